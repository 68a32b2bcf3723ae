"""`make eval`: run `dedup scan` + `dedup evaluate` on the corpora in ../shared/data and print a scoreboard.

Corpora are read where they lie (their licences forbid copying them into the repository); derived inputs
and outputs go to build/eval/. Every figure printed here comes from running the real command line.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import random
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "build" / "eval"
REUTERS_LABELS = Path(__file__).resolve().parent / "reuters_pairs.tsv"

sys.path.insert(0, str(ROOT / "bench"))
from corpus import reuters_stories  # noqa: E402  (the benchmark's reader of the same files)


def dedup(*args: str, stdout: Path | None = None) -> str:
    """Run the installed command line exactly as a user would; stop the evaluation if it fails."""
    command = [sys.executable, "-m", "dedup", *args]
    if stdout is None:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    else:
        with stdout.open("w", encoding="utf-8") as sink:
            done = subprocess.run(command, stdout=sink, stderr=subprocess.PIPE, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} exited {done.returncode}:\n{done.stderr}")
    return done.stdout or ""


def read_clusters(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def clough_stevenson(data: Path) -> dict[str, object]:
    folder = data / "clough_stevenson_plagiarism"
    rows = list(csv.DictReader((folder / "file_information.csv").open(encoding="utf-8")))
    corpus, gold = WORK / "clough_stevenson.jsonl", WORK / "clough_stevenson.gold.tsv"
    with corpus.open("w", encoding="utf-8") as out:
        for row in rows:
            text = (folder / row["File"]).read_bytes().decode("utf-8", errors="replace")
            out.write(json.dumps({"id": row["File"], "text": text}) + "\n")
    with gold.open("w", encoding="utf-8") as out:
        out.write("id\tgroup\n")
        for row in rows:
            group = row["File"] if row["Category"] == "non" else f"task{row['Task']}"
            out.write(f"{row['File']}\t{group}\n")
    clusters = WORK / "clough_stevenson.clusters.jsonl"
    dedup("scan", str(corpus), "--format", "jsonl", "--quiet", stdout=clusters)
    scores = json.loads(dedup("evaluate", str(clusters), str(gold), "--json"))
    category = {row["File"]: row["Category"] for row in rows}
    placed = [m["id"] for c in read_clusters(clusters) for m in c["members"]]
    scores["non_in_clusters"] = sorted(d for d in placed if category[d] == "non")
    return scores


def bbc(data: Path, sample: int) -> dict[str, object]:
    folder = data / "bbc_news"
    clusters_path = WORK / "bbc.clusters.jsonl"
    dedup("scan", str(folder / "data"), "--format", "jsonl", "--quiet", stdout=clusters_path)
    clusters = read_clusters(clusters_path)
    prefix = str(folder / "data") + "/"
    cluster_of, relation_of = {}, {}
    for cluster in clusters:
        for member in cluster["members"]:
            name = member["id"].removeprefix(prefix)
            cluster_of[name] = cluster["cluster"]
            relation_of[name] = member["relation"]

    def groups(name: str) -> list[list[str]]:
        with (folder / "derived" / name).open(encoding="utf-8") as handle:
            return [row["files"].split(",") for row in csv.DictReader(handle, delimiter="\t")]

    def together(files: list[str]) -> bool:
        return len({cluster_of.get(f) for f in files}) == 1 and files[0] in cluster_of

    exact = groups("exact_dup_groups.tsv")
    # all but the first of a group are exact copies (of the original, or of that first one)
    exact_found = sum(together(g) and sum(relation_of[f] != "exact" for f in g) == 1 for g in exact)
    titled = groups("same_title_groups.tsv")
    titled_found = sum(together(g) for g in titled)
    known = {frozenset(p) for g in exact + titled for p in itertools.combinations(g, 2)}
    others = []
    for cluster in clusters:
        for member in cluster["members"][1:]:
            reference = member.get("via", cluster["original"]).removeprefix(prefix)
            name = member["id"].removeprefix(prefix)
            if frozenset((reference, name)) not in known:
                others.append((reference, name, member["relation"], member["scores"]))
    random.Random(7).shuffle(others)
    return {
        "documents": sum(1 for _ in (folder / "data").rglob("*.txt")),
        "clusters": len(clusters),
        "exact_groups_found": f"{exact_found}/{len(exact)}",
        "same_title_groups_found": f"{titled_found}/{len(titled)}",
        "other_pairs": len(others),
        "sample_of_other_pairs": [
            {
                "original": o,
                "member": m,
                "relation": r,
                "titles": [_first_line(folder / "data" / o), _first_line(folder / "data" / m)],
                "scores": s,
            }
            for o, m, r, s in others[:sample]
        ],
    }


def reuters(data: Path) -> dict[str, object]:
    """Labelled pairs of Reuters-21578 found in one cluster, and the pairs reported by relation. How the
    labels were drawn, and what they can and cannot judge: README, "Measuring accuracy"."""
    corpus = WORK / "reuters.jsonl"
    documents = 0
    with corpus.open("w", encoding="utf-8") as out:
        for newid, article in reuters_stories(data / "reuters21578"):
            out.write(json.dumps({"id": newid, "date": article.date, "text": article.text}) + "\n")
            documents += 1
    clusters_path = WORK / "reuters.clusters.jsonl"
    dedup("scan", str(corpus), "--format", "jsonl", "--quiet", stdout=clusters_path)
    cluster_of: dict[str, int] = {}
    reported: dict[str, int] = {}
    for cluster in read_clusters(clusters_path):
        for member in cluster["members"]:
            cluster_of[member["id"]] = cluster["cluster"]
            if member["relation"] != "original":
                reported[member["relation"]] = reported.get(member["relation"], 0) + 1
    found: dict[tuple[str, bool], int] = {}
    with REUTERS_LABELS.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            together = row["first"] in cluster_of and cluster_of[row["first"]] == cluster_of.get(row["second"])
            key = (f"{row['reported_as']} {row['label']}", together)
            found[key] = found.get(key, 0) + 1
    same = sum(n for (kind, _), n in found.items() if kind.endswith(" same"))
    same_found = sum(n for (kind, together), n in found.items() if kind.endswith(" same") and together)
    clustered = sum(n for (_, together), n in found.items() if together)
    kinds = sorted({kind for kind, _ in found})
    return {
        "documents": documents,
        "reported_pairs": dict(sorted(reported.items())),
        "labelled_precision": same_found / clustered if clustered else 1.0,
        "labelled_recall": same_found / same if same else 1.0,
        "labelled_found": {
            kind: f"{found.get((kind, True), 0)}/{found.get((kind, True), 0) + found.get((kind, False), 0)}"
            for kind in kinds
        },
    }


def _first_line(path: Path) -> str:
    return path.read_bytes().decode("latin-1").split("\n", 1)[0].strip()


def fixtures() -> dict[str, object]:
    clusters = read_clusters_text(dedup("scan", str(ROOT / "fixtures"), "--format", "jsonl", "--quiet"))
    return {
        "clusters": len(clusters),
        "original": Path(clusters[0]["original"]).name if clusters else None,
        "relations": [m["relation"] for m in clusters[0]["members"]] if clusters else [],
    }


def read_clusters_text(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--sample", type=int, default=20, help="BBC pairs outside the derived groups to list")
    args = parser.parse_args()
    if not args.data.is_dir():
        sys.exit(f"no corpora at {args.data} (give --data PATH)")
    WORK.mkdir(parents=True, exist_ok=True)
    board = {
        "fixtures": fixtures(),
        "clough_stevenson": clough_stevenson(args.data),
        "bbc_news": bbc(args.data, args.sample),
        "reuters": reuters(args.data),
    }
    (WORK / "scoreboard.json").write_text(json.dumps(board, indent=2) + "\n", encoding="utf-8")
    fx, cs, b, r = board["fixtures"], board["clough_stevenson"], board["bbc_news"], board["reuters"]
    print("scoreboard (targets in brackets)")
    print(f"  fixtures          clusters {fx['clusters']} [1], original {fx['original']}, relations {fx['relations']}")
    print(
        f"  clough_stevenson  ARI {cs['ari']:.3f} [>= 0.90]  precision {cs['precision']:.3f} [>= 0.98]  "
        f"recall {cs['recall']:.3f}  F1 {cs['f1']:.3f}  non answers in clusters {len(cs['non_in_clusters'])} [0]"
    )
    print(
        f"  bbc_news          exact groups {b['exact_groups_found']} [100/100]  "
        f"same-title groups {b['same_title_groups_found']} [>= 27/29]  clusters {b['clusters']}  "
        f"other reported pairs {b['other_pairs']}"
    )
    print(
        f"  reuters           labelled pairs clustered: precision {r['labelled_precision']:.3f}  "
        f"recall {r['labelled_recall']:.3f}  ({', '.join(f'{k} {v}' for k, v in r['labelled_found'].items())})"
    )
    print(f"                    reported pairs {', '.join(f'{k} {v}' for k, v in r['reported_pairs'].items())}")
    if cs["non_in_clusters"]:
        print(f"    non answers clustered: {', '.join(cs['non_in_clusters'])}")
    print(f"  {len(b['sample_of_other_pairs'])} other BBC pairs to read (full list in build/eval/scoreboard.json):")
    for pair in b["sample_of_other_pairs"]:
        print(
            f"    {pair['relation']:<10} {pair['original']} ~ {pair['member']}: "
            f"{pair['titles'][0]!r} / {pair['titles'][1]!r}"
        )


if __name__ == "__main__":
    main()
