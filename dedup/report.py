"""Render clusters: records for JSON, JSON Lines, CSV and TSV, paths for xargs, and a rich table for people."""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from rich.console import Console
from rich.table import Table

from .cluster import Cluster
from .document import Document
from .store import entries
from .verify import SCORES

FORMATS = ("table", "json", "jsonl", "csv", "tsv", "paths")
SELECTIONS = ("duplicates", "originals", "unique")  # what `paths` prints
SCORE_KEYS = SCORES
TABLE_SCORES = ("jaccard", "sentences")
_UMASK = os.umask(0o022)
os.umask(_UMASK)
FLAT_COLUMNS = ("cluster", "size", "original", "id", "date", "relation", "via", *SCORE_KEYS)


def cluster_records(clusters: Sequence[Cluster], documents: Sequence[Document]) -> list[dict[str, Any]]:
    """The JSON contract: one object per cluster of two or more, numbered from 1 in output order."""
    entry = entries(documents)
    records = []
    for number, cluster in enumerate(clusters, start=1):
        members = []
        for member in cluster.members:
            document = entry(member.index)
            record: dict[str, Any] = {
                "id": document.id,
                "date": document.date,
                "relation": member.relation,
                "scores": member.scores,
            }
            if document.title:
                record["title"] = document.title
            if document.url:
                record["url"] = document.url
            if member.via is not None:
                record["via"] = entry(member.via).id
            members.append(record)
        records.append(
            {
                "cluster": number,
                "size": len(members),
                "original": entry(cluster.original).id,
                "members": members,
            }
        )
    return records


@dataclass(frozen=True, slots=True)
class Role:
    """What one document is in a run: a cluster's original, a duplicate in it, or in no cluster."""

    id: str
    cluster: int | None  # numbered as in cluster_records; None for a document in no cluster
    relation: str  # "original", a relation to the original, or "unique"
    original: str | None  # the cluster's original, None for a unique document

    @property
    def kept(self) -> bool:
        """Kept by a deduplication: an original or a unique document, not a non-original member."""
        return self.relation in ("original", "unique")


def document_roles(clusters: Sequence[Cluster], documents: Sequence[Document]) -> list[Role]:
    """The role of every document, in input order."""
    entry = entries(documents)
    roles = [Role(entry(index).id, None, "unique", None) for index in range(len(documents))]
    for number, cluster in enumerate(clusters, start=1):
        original = entry(cluster.original).id
        for member in cluster.members:
            roles[member.index] = Role(entry(member.index).id, number, member.relation, original)
    return roles


def select_ids(roles: Iterable[Role], select: str) -> Iterator[str]:
    """Ids in input order: `duplicates` the non-original members of clusters, `originals` the clusters'
    originals, `unique` every document that is not a non-original member (what a deduplication keeps)."""
    choose = {
        "duplicates": lambda role: not role.kept,
        "originals": lambda role: role.relation == "original",
        "unique": lambda role: role.kept,
    }[select]
    return (role.id for role in roles if choose(role))


def write_records(
    records: Iterable[dict[str, Any]],
    fmt: str,
    out: IO[str],
    *,
    roles: Sequence[Role] | None = None,
    select: str = "duplicates",
    end: str = "\n",
) -> None:
    """Data only: `json` one array, `jsonl` one cluster per line, `csv`/`tsv` one member per row,
    `paths` the ids `select` picks from `roles`, each followed by `end` (NUL for xargs -0)."""
    if fmt == "paths":
        if roles is None:
            raise ValueError("the paths format needs every document's role")
        for doc_id in select_ids(roles, select):
            out.write(doc_id + end)
    elif fmt == "json":
        json.dump(list(records), out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt == "jsonl":
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    elif fmt in ("csv", "tsv"):
        writer = csv.writer(out, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(FLAT_COLUMNS)
        for record in records:
            for member in record["members"]:
                row = [record["cluster"], record["size"], record["original"], member["id"], member["date"] or ""]
                row += [member["relation"], member.get("via", "")]
                row += [member["scores"].get(key, "") for key in SCORE_KEYS]
                writer.writerow(row)
    else:
        raise ValueError(f"unknown format {fmt!r}")


def render_table(records: Sequence[dict[str, Any]], console: Console) -> None:
    """One table per run: each cluster's original, then its members with relation, scores and dates."""
    if not records:
        console.print("No near-duplicates found.")
        return
    table = Table(show_lines=False, header_style="bold")
    table.add_column("#", justify="right")
    table.add_column("document", overflow="fold", ratio=1, min_width=20)
    table.add_column("date", no_wrap=True, min_width=10)
    table.add_column("relation", no_wrap=True)
    for column in TABLE_SCORES:
        table.add_column(column, justify="right", no_wrap=True)
    for record in records:
        for position, member in enumerate(record["members"]):
            scores = member["scores"]
            relation = member["relation"] + (f" (via {member['via']})" if "via" in member else "")
            table.add_row(
                str(record["cluster"]) if position == 0 else "",
                member["id"],
                member["date"] or "",
                f"[bold]{relation}[/bold]" if position == 0 else relation,
                *(f"{scores[key]:.2f}" if key in scores else "" for key in TABLE_SCORES),
                end_section=position == len(record["members"]) - 1,
            )
    console.print(table)


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file in the same folder and os.replace, so a reader
    never sees half a file and an interrupted run leaves the old one in place."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.chmod(temporary, 0o666 & ~_UMASK)  # mkstemp makes it private; give it a new file's usual mode
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
