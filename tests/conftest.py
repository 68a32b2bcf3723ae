from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from dedup.cli import main
from dedup.document import Document, Problem
from dedup.reading import Fields, iter_documents

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
ORIGINAL = FIXTURES / "000_17b3f1f5e5e89abc.txt"  # Al-Asad drones, 2023-10-18
REWRITE = FIXTURES / "001_9ae0e7afe3f252b5.txt"  # the same story rewritten, 2023-11-07
STORM_PAGE = FIXTURES / "html" / "harbour-storm-closes-port.html"
LIBRARY_PAGE = FIXTURES / "html" / "riverside-library-reopens.htm"
CRAWL = FIXTURES / "warc" / "valley-times-crawl.warc.gz"
SHARED_DATA = ROOT.parent / "shared" / "data"


def run(*args: str | Path, input: str | bytes | None = None) -> Result:
    """The dedup command line through click's CliRunner (stdout and stderr kept apart)."""
    return CliRunner().invoke(main, [str(arg) for arg in args], input=input)


def read(*sources: str | Path, fields: Fields | None = None) -> tuple[list[Document], list[Problem]]:
    """The documents of `sources`, and the problems reading them reported."""
    problems: list[Problem] = []
    documents = list(iter_documents([str(s) for s in sources], fields or Fields(), problems.append))
    return documents, problems


def load_corpus_module():  # type: ignore[no-untyped-def]
    """bench/corpus.py, the benchmark's corpus builder and reader of the shared corpora (not a package)."""
    spec = importlib.util.spec_from_file_location("bench_corpus", ROOT / "bench" / "corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_corpus"] = module
    spec.loader.exec_module(module)
    return module


def shared_corpus(name: str) -> Path:
    """A corpus under ../shared/data, or a clean skip where a checkout has none."""
    path = SHARED_DATA / name
    if not path.is_dir():
        pytest.skip(f"{path} is not here (evaluation corpora live beside the project, not in it)")
    return path


# Two reports written for these tests: the same summit, the same facts, independently worded and built.
SUMMIT_A = """Leaders of the Group of Twenty met in Rio de Janeiro on Monday for a two-day summit dominated by
the wars in Ukraine and Gaza and by a push to tax the world's richest people.

Brazil's president Luiz Inacio Lula da Silva opened the meeting with a call for a global alliance against
hunger, which he said more than eighty countries had already joined.

Diplomats worked late into Sunday night on a joint statement. European delegations wanted firmer language
on Russia, while several emerging economies resisted any wording they saw as taking sides.

The summit is the last for US President Joe Biden, whose successor takes office in January. Chinese
President Xi Jinping arrived on Sunday and is expected to hold talks with several leaders on the margins.

Climate finance is also on the agenda, days before negotiators in Baku must agree a new goal for money
flowing to poorer countries."""

SUMMIT_B = """Hunger, war and a proposed levy on billionaires were at the top of the agenda as G20 heads of
government gathered in Rio on Monday.

Host Lula da Silva used his opening speech to launch what he called a global alliance against hunger and
poverty, backed so far by dozens of nations and several development banks.

Negotiations over a final communique ran through the weekend. Officials said the sticking point was how
to describe the conflict in Ukraine, with Western governments pressing for a tougher text.

For Joe Biden, who leaves the White House in January, it is a farewell appearance on the world stage.
Xi Jinping, who flew in over the weekend, has meetings scheduled with the leaders of Australia and Britain.

Activists outside the venue urged the group to commit more money to climate adaptation ahead of the UN
talks in Azerbaijan."""

# A follow-on lead-and-trail article the tests use for truncation and near copies.
WIRE = """The central bank raised its main interest rate by a quarter of a percentage point on Thursday,
the third increase this year, saying inflation remained too high for comfort.

Governor Maria Lindqvist told reporters that price growth in services had proved more stubborn than the
bank expected in the spring, and that wage settlements were running ahead of productivity.

Markets had largely priced in the move. The currency rose slightly against the euro after the
announcement, while yields on two-year government bonds were little changed.

Economists said the bank was likely to pause at its next meeting in December, unless figures due next
month show a further rise in core inflation.

The decision was backed by five of the seven members of the rate-setting committee. Two members voted
to keep the rate unchanged, citing signs of a slowdown in consumer spending and in the housing market."""


def seed_text(path: Path) -> str:
    """A seed fixture's article text, without its leading date line."""
    return next(iter_documents([str(path)])).text


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """Six articles in two clusters.
    Cluster 1, original a.txt: `copy of a.txt` (exact, dated later) and b.txt (rewrite).
    Cluster 2, original harbour-storm-closes-port.html: `storm (syndicated copy).txt` (near-copy).
    riverside-library-reopens.htm is in no cluster. Two names hold spaces, for xargs -0."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(ORIGINAL, folder / "a.txt")
    shutil.copy(REWRITE, folder / "b.txt")
    (folder / "copy of a.txt").write_text("date 2023-10-25\n" + seed_text(ORIGINAL), encoding="utf-8")
    shutil.copy(STORM_PAGE, folder / STORM_PAGE.name)
    shutil.copy(LIBRARY_PAGE, folder / LIBRARY_PAGE.name)
    storm = next(iter_documents([str(STORM_PAGE)])).text
    edited = storm.replace("at least two days", "at least three days").replace("Fishermen in the old", "Local")
    assert edited != storm
    (folder / "storm (syndicated copy).txt").write_text(
        f"date 2023-10-19\n{edited}\n\nReporting by Coast Wire staff.\n", encoding="utf-8"
    )
    return folder


@pytest.fixture
def corpus_jsonl(tmp_path: Path) -> Path:
    """JSON Lines: a (original), b (rewrite of a), c (exact copy of a), u (unique), with odd spacing and
    non-ASCII kept as written, a record without text on line 2 and a malformed line 5."""
    original, rewrite = seed_text(ORIGINAL), seed_text(REWRITE)
    library = next(iter_documents([str(LIBRARY_PAGE)])).text
    lines = [
        json.dumps({"id": "a", "date": "2023-10-18", "text": original}),
        json.dumps({"id": "no-text", "date": "2023-10-18", "body": "the text is under another key"}),
        '{"id": "b",   "date":"2023-11-07", "text":' + json.dumps(rewrite) + "  }",
        json.dumps({"id": "c", "date": "2023-10-20", "text": original}, ensure_ascii=False),
        "{not json",
        json.dumps(
            {"id": "u", "date": "2024-03-02", "text": library, "source": "Millbrook Gazette"}, ensure_ascii=False
        ),
    ]
    path = tmp_path / "corpus.jsonl"
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
    return path
