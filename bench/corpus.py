"""Benchmark corpora built from the real news in ../shared/data, enlarged reproducibly to a given size.

A corpus of N articles has N - round(0.05 * N) base articles and round(0.05 * N) injected duplicates.

Base articles are the real ones first (Reuters-21578 bodies with their headline, BBC News files, AG News
test headlines with their descriptions), drawn in a seeded order; when the size needs more, synthetic
articles fill the rest. A synthetic article takes the sentences of one group (a Reuters topic, a BBC
category, an AG News class; a group with fewer than MIN_POOL sentences borrows its source's whole pool, of
Reuters, BBC or AG News), in paragraphs of one to three sentences, as many as a real article of that group
has. Each sentence is as long as a real one of the pool and is made of pieces of PIECE_WORDS words or
fewer, each from another real sentence than the piece before it, so that a synthetic article shares the
group's words and its common phrases but copies no passage of any article: it is unrelated news on the
same beat. (Generator 2 joined the start of one real sentence to the end of another; a Reuters earnings
table is one long "sentence", so synthetic articles copied most of a real one, and with the pool reused
more often as the corpus grows, the 1M corpus held ever larger groups of accidental copies. Generator 3
left the full stop of a piece that ended its real sentence inside the new one, which the splitter then cut
in two.) About 5% of base articles carry one site's chrome (header and footer paragraphs),
as scraped pages do.

Each injected duplicate copies one base article, dated 0-3 days after it, in one of four kinds:
  exact      the same text
  chrome     the same text inside another site's chrome
  truncation the first 40-75% of its sentences (of its words when it has fewer than three sentences)
  reword     without synonyms: 15% of sentences dropped, 20% of adjacent pairs merged with "; ", the
             sentences after the first shuffled, and in half of the clauses (split at , ; :) with four or
             more words two adjacent words swapped
Everything is drawn from random.Random seeded with the corpus seed and the article's position, so a corpus
is the same on every machine and any article can be rebuilt alone.

A corpus is written under build/bench/<size>/ as docs/NNNN/dNNNNNNN.txt (a leading `date YYYY-MM-DD`
line, at most 1000 files per folder), corpus.jsonl (id, date, text), truth.tsv (original, copy, kind)
and, last, manifest.json; a corpus whose manifest matches is reused.
"""

from __future__ import annotations

import csv
import datetime
import html
import json
import random
import re
import shutil
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

GENERATOR = 4  # bump when the generated text changes, so old corpora are rebuilt
INJECTED_SHARE = 0.05
CHROME_SHARE = 0.05
KINDS = ("exact", "chrome", "truncation", "reword")
SHARD = 1000
PIECE_WORDS = 6  # the longest run of words a synthetic sentence takes from one real sentence
_SENTENCE_END = ".!?\"')"  # what a real sentence's last word ends with
MIN_POOL = 2000  # sentences a group needs to lend its own pool

_REUTERS = re.compile(r"<REUTERS (.*?)>(.*?)</REUTERS>", re.S)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SENTENCE = re.compile(r"(?<=[.!?])[\"')]*\s+(?=[\"'(]?[A-Z0-9])")
_CLAUSE = re.compile(r"(?<=[,;:]) ")

# Invented sites: what scraped copies of one story carry around it on different sites.
SITES = (
    (
        ("Advertisement", "Daily Ledger | Business | Markets"),
        ("Share this article", "Sign up for the Daily Ledger morning briefing and get the day's top stories first."),
    ),
    (
        ("Skip to main content", "World News Network - Latest"),
        ("Read more: our live coverage of the day's events", "Copyright World News Network. All rights reserved."),
    ),
    (
        ("Subscribe", "The Morning Courier"),
        ("Follow us on social media for breaking news updates.", "Comments are closed for this story."),
    ),
    (
        ("Menu", "Metro Times Online: news you can use"),
        ("Related stories", "Our journalism depends on readers like you. Support independent reporting today."),
    ),
)


@dataclass(frozen=True, slots=True)
class Article:
    group: str
    date: str
    text: str


@dataclass(frozen=True)
class Sources:
    articles: list[Article]  # real articles, in a fixed order
    sentences: dict[str, list[str]]  # group, and source (_source), -> sentences of its articles
    lengths: dict[str, list[int]]  # group -> sentence counts of its articles


def sentence_split(text: str) -> list[str]:
    """A plain splitter of its own, so corpus building does not depend on the tokeniser it benchmarks."""
    flat = " ".join(text.split())
    return [s for s in _SENTENCE.split(flat) if s]


def load_sources(data: Path) -> Sources:
    articles = [
        *(article for _, article in reuters_stories(data / "reuters21578")),
        *_bbc(data / "bbc_news" / "data"),
        *_ag_news(data / "ag_news_test"),
    ]
    sentences: dict[str, list[str]] = defaultdict(list)
    lengths: dict[str, list[int]] = defaultdict(list)
    for article in articles:
        body = [s for s in sentence_split(article.text) if 5 <= len(s.split()) <= 80]
        if body:
            sentences[article.group].extend(body)
            sentences[_source(article.group)].extend(body)
            lengths[article.group].append(len(body))
    return Sources(articles, dict(sentences), dict(lengths))


def _source(group: str) -> str:
    return group.split("/", 1)[0]  # "reuters/acq" -> "reuters"


def reuters_stories(folder: Path) -> Iterator[tuple[str, Article]]:
    """Reuters-21578 stories with a body, each with its NEWID (what `make eval`'s labels refer to): the
    headline, a blank line and the body, with the closing "Reuter" signature left out."""
    for path in sorted(folder.glob("reut2-*.sgm")):
        for match in _REUTERS.finditer(path.read_bytes().decode("latin-1")):
            newid = re.search(r'NEWID="(\d+)"', match.group(1))
            if newid is None:
                raise ValueError(f"{path.name}: a <REUTERS> element without NEWID")
            inner = match.group(2)
            body = re.search(r"<BODY>(.*?)</BODY>", inner, re.S)
            if not body:
                continue
            title = re.search(r"<TITLE>(.*?)</TITLE>", inner, re.S)
            topic = re.search(r"<TOPICS><D>(.*?)</D>", inner)
            stamp = re.search(r"<DATE>\s*(\S+)", inner)
            day = datetime.datetime.strptime(stamp.group(1), "%d-%b-%Y") if stamp else datetime.datetime(1987, 1, 1)
            text = _CONTROL.sub("", html.unescape(body.group(1))).strip()
            text = re.sub(r"\s*Reuter\s*$", "", text)
            if title:
                text = _CONTROL.sub("", html.unescape(title.group(1))).strip() + "\n\n" + text
            article = Article(f"reuters/{topic.group(1) if topic else 'none'}", day.date().isoformat(), text)
            yield newid.group(1), article


def _bbc(folder: Path) -> Iterator[Article]:
    dates = random.Random("bbc-dates")
    start = datetime.date(2004, 1, 1)
    for path in sorted(folder.glob("*/*.txt")):
        text = path.read_bytes().decode("latin-1").strip()
        date = start + datetime.timedelta(days=dates.randrange(730))
        yield Article(f"bbc/{path.parent.name}", date.isoformat(), text)


def _ag_news(folder: Path) -> Iterator[Article]:
    dates = random.Random("ag-dates")
    start = datetime.date(2004, 7, 1)
    with (folder / "test.csv").open(encoding="utf-8", newline="") as handle:
        for label, title, description in csv.reader(handle):
            text = f"{title.strip()}\n\n{description.replace(chr(92), ' ').strip()}"
            date = start + datetime.timedelta(days=dates.randrange(365))
            yield Article(f"ag/{label}", date.isoformat(), text)


def _paragraphs(sentences: list[str], rng: random.Random) -> str:
    blocks, i = [], 0
    while i < len(sentences):
        step = rng.randint(1, 3)
        blocks.append(" ".join(sentences[i : i + step]))
        i += step
    return "\n\n".join(blocks)


def _pieced(pool: list[str], rng: random.Random) -> str:
    """A sentence as long as a random real one, of pieces of at most PIECE_WORDS words, each from another
    random one than the piece before it: realistic words and lengths, and no passage of any article copied.
    A piece that ends its real sentence leaves the full stop behind, so the sentence ends only at its end."""
    length = len(pool[rng.randrange(len(pool))].split())
    words: list[str] = []
    previous = -1
    while len(words) < length:
        drawn = rng.randrange(len(pool))
        if drawn == previous and len(pool) > 1:
            continue
        previous = drawn
        source = pool[drawn].split()
        take = rng.randint(2, PIECE_WORDS)
        start = rng.randrange(max(1, len(source) - take + 1))
        piece = source[start : start + take]
        if start + take >= len(source):
            piece[-1] = piece[-1].rstrip(_SENTENCE_END) or piece[-1]
        words += piece
    words = words[:length]
    words[0] = words[0][:1].upper() + words[0][1:]
    words[-1] = (words[-1].rstrip(_SENTENCE_END + ",;:") or words[-1]) + "."
    return " ".join(words)


def _with_chrome(text: str, site: int) -> str:
    header, footer = SITES[site]
    return "\n\n".join((*header, text, *footer))


def _truncate(text: str, rng: random.Random) -> str:
    share = rng.uniform(0.4, 0.75)
    sentences = sentence_split(text)
    if len(sentences) >= 3:
        return _paragraphs(sentences[: max(1, round(len(sentences) * share))], rng)
    words = text.split()
    return " ".join(words[: max(1, round(len(words) * share))])


def _reword(text: str, rng: random.Random) -> str:
    sentences = [s for s in sentence_split(text) if rng.random() >= 0.15] or sentence_split(text)[:1]
    merged: list[str] = []
    for sentence in sentences:
        if merged and rng.random() < 0.2 and merged[-1][-1:] in ".!?":
            merged[-1] = f"{merged[-1][:-1]}; {sentence[:1].lower()}{sentence[1:]}"
        else:
            merged.append(sentence)
    head, rest = merged[:1], merged[1:]
    rng.shuffle(rest)
    return _paragraphs([_shuffle_clauses(s, rng) for s in head + rest], rng)


def _shuffle_clauses(sentence: str, rng: random.Random) -> str:
    clauses = []
    for clause in _CLAUSE.split(sentence):
        words = clause.split()
        if len(words) >= 4 and rng.random() < 0.5:
            at = rng.randrange(len(words) - 1)
            words[at], words[at + 1] = words[at + 1], words[at]
        clauses.append(" ".join(words))
    return " ".join(clauses)


@dataclass(frozen=True)
class Plan:
    """Which position holds what: a real article, a synthetic one, or a copy of another position."""

    size: int
    seed: int
    real: dict[int, int]  # position -> index into Sources.articles
    copies: dict[int, tuple[int, str]]  # position -> (position of the original, kind)


def plan(size: int, seed: int, real_count: int) -> Plan:
    rng = random.Random(f"plan:{seed}:{size}")
    injected = round(size * INJECTED_SHARE)
    copy_positions = sorted(rng.sample(range(size), injected))
    taken = set(copy_positions)
    base_positions = [p for p in range(size) if p not in taken]
    real_order = list(range(real_count))
    rng.shuffle(real_order)
    real_positions = rng.sample(base_positions, min(real_count, len(base_positions)))
    real = dict(zip(real_positions, real_order, strict=False))
    copies = {p: (rng.choice(base_positions), KINDS[i % len(KINDS)]) for i, p in enumerate(copy_positions)}
    return Plan(size, seed, real, copies)


def base_article(position: int, corpus: Plan, sources: Sources) -> Article:
    rng = random.Random(f"base:{corpus.seed}:{position}")
    if position in corpus.real:
        article = sources.articles[corpus.real[position]]
    else:
        group = rng.choice(sources.articles).group
        while group not in sources.sentences:
            group = rng.choice(sources.articles).group
        pool = sources.sentences[group]
        if len(pool) < MIN_POOL:
            pool = sources.sentences[_source(group)]
        count = min(30, rng.choice(sources.lengths[group]))
        picked = [_pieced(pool, rng) for _ in range(count)]
        date = datetime.date(2004, 1, 1) + datetime.timedelta(days=rng.randrange(3 * 365))
        article = Article(group, date.isoformat(), _paragraphs(picked, rng))
    if rng.random() < CHROME_SHARE:
        return Article(article.group, article.date, _with_chrome(article.text, rng.randrange(len(SITES))))
    return article


def article_at(position: int, corpus: Plan, sources: Sources) -> Article:
    if position not in corpus.copies:
        return base_article(position, corpus, sources)
    original_position, kind = corpus.copies[position]
    original = base_article(original_position, corpus, sources)
    rng = random.Random(f"copy:{corpus.seed}:{position}")
    date = (datetime.date.fromisoformat(original.date) + datetime.timedelta(days=rng.randint(0, 3))).isoformat()
    if kind == "exact":
        text = original.text
    elif kind == "chrome":
        text = _with_chrome(original.text, rng.randrange(len(SITES)))
    elif kind == "truncation":
        text = _truncate(original.text, rng)
    else:
        text = _reword(original.text, rng)
    return Article(original.group, date, text)


def doc_id(position: int) -> str:
    return f"d{position:07d}"


def size_label(size: int) -> str:
    return f"{size // 1_000_000}M" if size % 1_000_000 == 0 else f"{size // 1000}k"


@dataclass(frozen=True)
class Corpus:
    folder: Path
    size: int

    @property
    def docs(self) -> Path:
        return self.folder / "docs"

    @property
    def jsonl(self) -> Path:
        return self.folder / "corpus.jsonl"

    @property
    def truth(self) -> Path:
        return self.folder / "truth.tsv"

    @property
    def synthetic(self) -> Path:
        return self.folder / "synthetic.txt"


def build(size: int, seed: int, data: Path, root: Path, log: Callable[[str], None] = print) -> Corpus:
    """The corpus of `size` articles under root/<label>, built unless a matching one is there."""
    corpus = Corpus(root / size_label(size), size)
    manifest = {"generator": GENERATOR, "size": size, "seed": seed, "injected_share": INJECTED_SHARE}
    manifest_path = corpus.folder / "manifest.json"
    if manifest_path.exists() and json.loads(manifest_path.read_text(encoding="utf-8")) == manifest:
        return corpus
    log(f"building the {size_label(size)} corpus in {corpus.folder} ...")
    if corpus.folder.exists():
        shutil.rmtree(corpus.folder)
    corpus.docs.mkdir(parents=True)
    sources = load_sources(data)
    layout = plan(size, seed, len(sources.articles))
    with corpus.jsonl.open("w", encoding="utf-8") as jsonl:
        for position in range(size):
            article = article_at(position, layout, sources)
            name = doc_id(position)
            if position % SHARD == 0:
                shard = corpus.docs / f"{position // SHARD:04d}"
                shard.mkdir()
            (shard / f"{name}.txt").write_text(f"date {article.date}\n{article.text}\n", encoding="utf-8")
            jsonl.write(json.dumps({"id": name, "date": article.date, "text": article.text}) + "\n")
    with corpus.truth.open("w", encoding="utf-8") as truth:
        truth.write("original\tcopy\tkind\n")
        for position, (original, kind) in sorted(layout.copies.items()):
            truth.write(f"{doc_id(original)}\t{doc_id(position)}\t{kind}\n")
    corpus.synthetic.write_text("".join(f"{name}\n" for name in sorted(synthetic_ids(layout))), encoding="utf-8")
    manifest_path.write_text(json.dumps(manifest) + "\n", encoding="utf-8")
    return corpus


def synthetic_ids(layout: Plan) -> set[str]:
    """The ids of the synthetic base articles: unrelated to every other article by construction."""
    return {doc_id(p) for p in range(layout.size) if p not in layout.real and p not in layout.copies}


def read_synthetic(corpus: Corpus) -> set[str]:
    return set(corpus.synthetic.read_text(encoding="utf-8").split())


def chance_grouped(groups: list[list[str]], synthetic: set[str], original_of: dict[str, str]) -> int:
    """How many synthetic articles a deduplicator put in one group with anything but their own injected
    copies (`original_of`: copy -> original). Each is a false duplicate, bar a chance overlap of words and
    phrases within a topic: the benchmark's check on precision, which recall alone does not see."""
    return sum(
        any(other != member and original_of.get(other) != member for other in members)
        for members in groups
        for member in members
        if member in synthetic
    )


def read_truth(corpus: Corpus) -> list[tuple[str, str, str]]:
    with corpus.truth.open(encoding="utf-8") as handle:
        return [(row["original"], row["copy"], row["kind"]) for row in csv.DictReader(handle, delimiter="\t")]
