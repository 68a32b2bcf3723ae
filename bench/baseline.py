"""The usual datasketch near-duplicate script, as a yardstick for `make bench`.

What most scripts do: lower-case and split on whitespace, one `MinHash.update` per 5-word shingle
(128 permutations), a `MinHashLSH` at threshold 0.8, every document queried, union-find over the answers.
Reads JSON Lines (id, text); writes one JSON list of ids per group of two or more.

    python bench/baseline.py CORPUS.jsonl > groups.jsonl
"""

from __future__ import annotations

import json
import sys

from datasketch import MinHash, MinHashLSH

NUM_PERM = 128
THRESHOLD = 0.8
SHINGLE = 5


def minhash(text: str) -> MinHash:
    words = text.lower().split()
    signature = MinHash(num_perm=NUM_PERM)
    for i in range(max(1, len(words) - SHINGLE + 1)):
        signature.update(" ".join(words[i : i + SHINGLE]).encode("utf-8"))
    return signature


def find(parent: list[int], item: int) -> int:
    while parent[item] != item:
        parent[item] = parent[parent[item]]
        item = parent[item]
    return item


def main(path: str) -> None:
    ids: list[str] = []
    signatures: list[MinHash] = []
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            ids.append(record["id"])
            signatures.append(minhash(record["text"]))
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    for index, signature in enumerate(signatures):
        lsh.insert(index, signature)
    parent = list(range(len(ids)))
    for index, signature in enumerate(signatures):
        for other in lsh.query(signature):
            parent[find(parent, other)] = find(parent, index)
    groups: dict[int, list[str]] = {}
    for index, doc_id in enumerate(ids):
        groups.setdefault(find(parent, index), []).append(doc_id)
    for members in groups.values():
        if len(members) > 1:
            sys.stdout.write(json.dumps(members) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
