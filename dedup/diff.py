"""What a near-duplicate kept, reworded, dropped and added: the Diff value, its JSON form, and its rendering.

A Diff is built from two documents: their relation and scores (from verify), the sentence alignment (from
align), the word changes inside each aligned group (rapidfuzz Indel opcodes over words compared without
case or surrounding punctuation) and the facts found on one side only (from facts). `render` turns it into
lines of styled spans (a pure function); `plain` marks changes so they survive a pipe ([-removed-]
{+added+}), `coloured` paints them red and green for a terminal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz.distance import Indel
from rich.text import Text

from .align import Analysed, align, analyse
from .cluster import Cluster
from .content import extract_content
from .document import Document
from .evidence import Evidence
from .facts import ArticleFacts, Fact, FactDiff, compare, extract
from .text import STOPWORDS, clean, sentences
from .verify import Thresholds, Verdict, verify_pair

_PUNCTUATION = "\"'()[]{}.,;:!?"
STRAY_WORDS = 2  # unchanged stopwords between two changes, up to this many, are shown as part of the change


@dataclass(frozen=True, slots=True)
class Change:
    op: str  # equal, delete, insert or replace
    a: str  # the words of A ("" for insert)
    b: str  # the words of B ("" for delete)


@dataclass(frozen=True, slots=True)
class AlignedSentences:
    a: tuple[int, ...]  # indices into Diff.sentences_a
    b: tuple[int, ...]  # indices into Diff.sentences_b
    score: float
    changes: tuple[Change, ...]

    @property
    def verbatim(self) -> bool:
        return all(change.op == "equal" for change in self.changes)


@dataclass(frozen=True, slots=True)
class Side:
    """One article analysed for diffing, once: an original is compared with every member of its cluster."""

    document: Document
    sentences: Analysed
    tokens: tuple[tuple[str, ...], ...]  # each sentence's words as written
    keys: tuple[tuple[str, ...], ...]  # the same words as compared: lower case, no surrounding punctuation
    facts: ArticleFacts


@dataclass(frozen=True)
class Diff:
    a: str  # document ids
    b: str
    relation: str | None  # exact, near-copy, truncation, rewrite; None: not near-duplicates
    scores: dict[str, float]
    sentences_a: tuple[str, ...]
    sentences_b: tuple[str, ...]
    aligned: tuple[AlignedSentences, ...]
    only_a: tuple[int, ...]
    only_b: tuple[int, ...]
    facts: FactDiff
    kept: float  # share of A's words found unchanged in the aligned sentences of B

    @property
    def verbatim(self) -> int:
        """Sentences of A kept word for word."""
        return sum(len(group.a) for group in self.aligned if group.verbatim)

    @property
    def reworded(self) -> int:
        """Sentences of A aligned with B but changed."""
        return sum(len(group.a) for group in self.aligned if not group.verbatim)

    @property
    def identical(self) -> bool:
        return not self.only_a and not self.only_b and all(group.verbatim for group in self.aligned)


def prepare(document: Document) -> Side:
    split = sentences(clean(document.text))
    tokens = tuple(tuple(sentence.split()) for sentence in split)
    keys = tuple(tuple(_word_key(token) for token in sentence) for sentence in tokens)
    return Side(document, analyse(split), tokens, keys, extract(split))


def diff(a: Document | Side, b: Document | Side, verdict: Verdict | None = None) -> Diff:
    """B against A. `verdict` gives the relation and scores when the caller has them (a scan does);
    otherwise the pair is verified here with the default thresholds."""
    side_a = a if isinstance(a, Side) else prepare(a)
    side_b = b if isinstance(b, Side) else prepare(b)
    if verdict is None:
        content_a, content_b = extract_content(side_a.document.text), extract_content(side_b.document.text)
        verdict = verify_pair(0, 1, Evidence.of(content_a), Evidence.of(content_b), Thresholds())
    alignment = align(side_a.sentences, side_b.sentences)
    aligned = []
    kept_words = 0
    for link in alignment.links:
        changes, equal = _word_changes(side_a, link.a, side_b, link.b)
        aligned.append(AlignedSentences(link.a, link.b, round(link.score, 3), changes))
        kept_words += equal
    total_words = sum(len(sentence) for sentence in side_a.keys)
    return Diff(
        a=side_a.document.id,
        b=side_b.document.id,
        relation=verdict.relation,
        scores=dict(verdict.scores),
        sentences_a=side_a.sentences.text,
        sentences_b=side_b.sentences.text,
        aligned=tuple(aligned),
        only_a=alignment.only_a,
        only_b=alignment.only_b,
        facts=compare(side_a.facts, side_b.facts, ((link.a, link.b) for link in alignment.links)),
        kept=round(kept_words / total_words, 3) if total_words else 1.0,
    )


def _word_key(token: str) -> str:
    """Tokens come from cleaned text (NFKC, unified quotes), so case folding completes `normalize`."""
    folded = token.casefold()
    return folded.strip(_PUNCTUATION) or folded


def _word_changes(a: Side, rows: tuple[int, ...], b: Side, columns: tuple[int, ...]) -> tuple[tuple[Change, ...], int]:
    """Word-level changes of one aligned group, and how many of A's words it keeps."""
    tokens_a = [token for i in rows for token in a.tokens[i]]
    tokens_b = [token for j in columns for token in b.tokens[j]]
    keys_a = [key for i in rows for key in a.keys[i]]
    keys_b = [key for j in columns for key in b.keys[j]]
    spans: list[list[int]] = []  # [equal?, a_start, a_end, b_start, b_end]
    for opcode in Indel.opcodes(keys_a, keys_b):
        is_equal = int(opcode.tag == "equal")
        if spans and not is_equal and not spans[-1][0]:
            # Indel knows no replace: a deletion next to an insertion is one replacement for the reader.
            spans[-1][2], spans[-1][4] = opcode.src_end, opcode.dest_end
        else:
            spans.append([is_equal, opcode.src_start, opcode.src_end, opcode.dest_start, opcode.dest_end])
    spans = _absorb_stray_words(spans, keys_a)
    changes = []
    for is_equal, a_start, a_end, b_start, b_end in spans:
        text_a, text_b = " ".join(tokens_a[a_start:a_end]), " ".join(tokens_b[b_start:b_end])
        op = "equal" if is_equal else "replace" if text_a and text_b else "delete" if text_a else "insert"
        changes.append(Change(op, text_a, text_b))
    return tuple(changes), sum(a_end - a_start for is_equal, a_start, a_end, _, _ in spans if is_equal)


def _absorb_stray_words(spans: list[list[int]], keys_a: list[str]) -> list[list[int]]:
    """An unchanged stopword or two between two changes ("{+Amid rising tensions in+} the {+region, the+}")
    is a coincidence of the longest common subsequence, not a kept phrase: it joins the changes around it."""
    out: list[list[int]] = []
    for span in spans:
        if len(out) >= 2 and not span[0] and out[-1][0] and not out[-2][0]:
            stray = keys_a[out[-1][1] : out[-1][2]]
            if len(stray) <= STRAY_WORDS and all(key in STOPWORDS for key in stray):
                out.pop()
                out[-1][2], out[-1][4] = span[2], span[4]
                continue
        out.append(list(span))
    return out


# ---------------------------------------------------------------- JSON


def diff_dict(value: Diff) -> dict[str, Any]:
    """The JSON form (documented in the README under "dedup diff")."""
    return {
        "a": value.a,
        "b": value.b,
        "relation": value.relation,
        "near_duplicate": value.relation is not None,
        "scores": value.scores,
        "summary": summary(value),
        "counts": {
            "sentences_a": len(value.sentences_a),
            "sentences_b": len(value.sentences_b),
            "verbatim": value.verbatim,
            "reworded": value.reworded,
            "dropped": len(value.only_a),
            "added": len(value.only_b),
        },
        "kept": value.kept,
        "sentences_a": list(value.sentences_a),
        "sentences_b": list(value.sentences_b),
        "aligned": [
            {
                "a": list(group.a),
                "b": list(group.b),
                "score": group.score,
                "verbatim": group.verbatim,
                "changes": [{"op": c.op, "a": c.a, "b": c.b} for c in group.changes],
            }
            for group in value.aligned
        ],
        "only_a": list(value.only_a),
        "only_b": list(value.only_b),
        "facts": {
            "only_a": [_fact_dict(f) for f in value.facts.only_a],
            "only_b": [_fact_dict(f) for f in value.facts.only_b],
            "changed": [
                {
                    "kind": c.kind,
                    "a": c.a.text,
                    "b": c.b.text,
                    "sentences_a": list(c.a.sentences),
                    "sentences_b": list(c.b.sentences),
                }
                for c in value.facts.changed
            ],
        },
    }


def _fact_dict(fact: Fact) -> dict[str, Any]:
    return {"kind": fact.kind, "text": fact.text, "sentences": list(fact.sentences)}


# ---------------------------------------------------------------- text

# A line is a tuple of spans; a span is (text, role). Roles: plain, strong, dim, removed/added (words of an
# aligned group), dropped/new (whole sentences found on one side only), gap (a space between removed and
# added words, needed in colour only: the plain marks already separate them).
Span = tuple[str, str]
Line = tuple[Span, ...]

_MARKS = {"removed": ("[-", "-]"), "added": ("{+", "+}")}
_STYLES = {
    "strong": "bold",
    "dim": "dim",
    "removed": "red strike",
    "added": "green",
    "dropped": "red",
    "new": "green",
}


def summary(value: Diff) -> str:
    """One paragraph: the relation and its scores, what happened to the sentences, the changed facts."""
    scores = ", ".join(f"{name} {score:.2f}" for name, score in value.scores.items())
    if value.relation is None:
        opening = f"Not near-duplicates: no relation passes verification ({scores})."
    else:
        opening = f"{value.relation.capitalize()} ({scores})."
    sentences_a, sentences_b = len(value.sentences_a), len(value.sentences_b)
    counts = (
        f"Of A's {_sentences(sentences_a)}, {value.verbatim} kept verbatim, {value.reworded} reworded and "
        f"{len(value.only_a)} dropped; B ({_sentences(sentences_b)}) adds {len(value.only_b)}. "
        f"{value.kept:.0%} of A's words survive in B."
    )
    facts = f"Facts only in A: {_fact_list(value.facts.only_a)}. Facts only in B: {_fact_list(value.facts.only_b)}."
    if value.facts.changed:
        facts += " Changed: " + "; ".join(f"{c.a.text} -> {c.b.text}" for c in value.facts.changed) + "."
    return f"{opening} {counts} {facts}"


def _sentences(count: int) -> str:
    return f"{count} sentence" if count == 1 else f"{count} sentences"


def _fact_list(facts: tuple[Fact, ...]) -> str:
    return ", ".join(f.text for f in facts) if facts else "none"


def render(value: Diff) -> list[Line]:
    """The diff for people, as styled lines; sentences are numbered from 1 (A1 is the first of A)."""
    lines: list[Line] = [
        ((f"--- A {value.a} ({_sentences(len(value.sentences_a))})", "strong"),),
        ((f"+++ B {value.b} ({_sentences(len(value.sentences_b))})", "strong"),),
        ((summary(value), "plain"),),
        (),
        ((f"Aligned ({len(value.aligned)})", "strong"),),
    ]
    for group in value.aligned:
        label = f"{_numbers('A', group.a)} ~ {_numbers('B', group.b)}"
        if group.verbatim:
            lines.append(((f"= {label}  ", "dim"), (" ".join(value.sentences_a[i] for i in group.a), "dim")))
            continue
        lines.append(((f"~ {label}  {group.score:.2f}", "dim"),))
        lines.append((("    ", "plain"), *_change_spans(group.changes)))
    lines += [(), ((f"Only in A: dropped ({len(value.only_a)})", "strong"),)]
    lines += [((f"- A{i + 1}  ", "dim"), (value.sentences_a[i], "dropped")) for i in value.only_a]
    lines += [(), ((f"Only in B: added ({len(value.only_b)})", "strong"),)]
    lines += [((f"+ B{j + 1}  ", "dim"), (value.sentences_b[j], "new")) for j in value.only_b]
    lines += [(), (("Facts", "strong"),)]
    lines.append((("  only in A: ", "dim"), *_fact_spans(value.facts.only_a, "A", "dropped")))
    lines.append((("  only in B: ", "dim"), *_fact_spans(value.facts.only_b, "B", "new")))
    if value.facts.changed:
        spans: list[Span] = [("  changed:   ", "dim")]
        for number, change in enumerate(value.facts.changed):
            if number:
                spans.append(("; ", "plain"))
            spans += [
                (f"{change.kind} ", "dim"),
                (change.a.text, "removed"),
                (" -> ", "plain"),
                (change.b.text, "added"),
                (f" ({_numbers('A', change.a.sentences)} ~ {_numbers('B', change.b.sentences)})", "dim"),
            ]
        lines.append(tuple(spans))
    return lines


def _numbers(side: str, indices: tuple[int, ...]) -> str:
    return "+".join(f"{side}{i + 1}" for i in indices)


def _change_spans(changes: tuple[Change, ...]) -> list[Span]:
    spans: list[Span] = []
    for change in changes:
        if spans:
            spans.append((" ", "plain"))
        if change.op == "equal":
            spans.append((change.a, "plain"))
        elif change.op == "delete":
            spans.append((change.a, "removed"))
        elif change.op == "insert":
            spans.append((change.b, "added"))
        else:
            spans += [(change.a, "removed"), (" ", "gap"), (change.b, "added")]
    return spans


def _fact_spans(facts: tuple[Fact, ...], side: str, role: str) -> list[Span]:
    if not facts:
        return [("none", "plain")]
    spans: list[Span] = []
    for number, fact in enumerate(facts):
        if number:
            spans.append(("; ", "plain"))
        spans += [(f"{fact.kind} ", "dim"), (fact.text, role), (f" ({_numbers(side, fact.sentences)})", "dim")]
    return spans


def plain(lines: list[Line]) -> str:
    """Text for a pipe or a file: word changes marked [-removed-] and {+added+}, no escape codes."""
    out = []
    for line in lines:
        parts = []
        for text, role in line:
            if role != "gap":
                opening, closing = _MARKS.get(role, ("", ""))
                parts.append(f"{opening}{text}{closing}")
        out.append("".join(parts))
    return "\n".join(out) + "\n"


def coloured(lines: list[Line]) -> Text:
    """The same lines for a terminal: removed words red and struck through, added words green."""
    text = Text()
    for line in lines:
        for span, role in line:
            text.append(span, style=_STYLES.get(role, ""))
        text.append("\n")
    return text


def cluster_diffs(cluster: Cluster, documents: Sequence[Document]) -> list[Diff]:
    """Each member of `cluster` but the original against the original, which is analysed once for all
    of them; relation and scores are the member's own (against the original, or via the centre)."""
    original = prepare(documents[cluster.original])
    return [
        diff(original, documents[member.index], Verdict(cluster.original, member.index, member.relation, member.scores))
        for member in cluster.members[1:]
    ]
