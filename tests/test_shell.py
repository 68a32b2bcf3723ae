"""Real shell pipelines through subprocess, and the README's CI example run as written."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
BIN = Path(sys.executable).parent


def shell(script: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run `script` with bash, the `dedup` of this interpreter's environment first on PATH."""
    if shutil.which("dedup", path=str(BIN)) is None:  # not installed as a script: run the module
        script = f'dedup() {{ "{sys.executable}" -m dedup "$@"; }}\n{script}'
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", "NO_COLOR": "1"}
    return subprocess.run(["bash", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def project(tmp_path: Path, corpus: Path) -> Path:
    """A repository holding the corpus at corpus/."""
    (tmp_path / ".git").mkdir()
    return tmp_path


def test_duplicates_through_xargs_0_dry_run_first_then_moved(project):
    select = "dedup scan corpus/ -q --format paths --select duplicates -0"
    dry = shell(f"set -o pipefail; {select} | xargs -0 -r echo mv -t duplicates/ --", project)
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout == "mv -t duplicates/ -- corpus/b.txt corpus/copy of a.txt corpus/storm (syndicated copy).txt\n"
    assert len(list((project / "corpus").iterdir())) == 6  # a dry run changes nothing

    moved = shell(f"set -o pipefail; mkdir -p duplicates && {select} | xargs -0 -r mv -t duplicates/ --", project)
    assert moved.returncode == 0, moved.stderr
    assert sorted(p.name for p in (project / "duplicates").iterdir()) == [
        "b.txt",
        "copy of a.txt",
        "storm (syndicated copy).txt",
    ]
    assert sorted(p.name for p in (project / "corpus").iterdir()) == [
        "a.txt",
        "harbour-storm-closes-port.html",
        "riverside-library-reopens.htm",
    ]
    after = shell("dedup check corpus/", project)
    assert after.returncode == 0, after.stderr


def test_filter_in_a_pipe_leaves_a_corpus_that_passes_the_check(tmp_path, corpus_jsonl):
    result = shell(
        f"set -o pipefail; cat '{corpus_jsonl}' | dedup filter - -q > clean.jsonl; dedup check clean.jsonl", tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert len((tmp_path / "clean.jsonl").read_text().splitlines()) == 2
    assert "check passed: 0 duplicates among 2 documents" in result.stderr


def readme_block(name: str) -> str:
    match = re.search(rf"<!-- readme-test: {name} -->\n```sh\n(.*?)```", README.read_text(), re.S)
    assert match, f"README has no block marked readme-test: {name}"
    return match.group(1)


def test_readme_ci_example_passes_then_fails_on_a_new_duplicate(project):
    baseline = shell(readme_block("baseline"), project)
    assert baseline.returncode == 0, baseline.stderr
    ci = readme_block("ci")
    clean = shell(ci, project)
    assert clean.returncode == 0, clean.stderr
    assert "check passed: 0 new duplicates" in clean.stderr

    corpus = project / "corpus"
    (corpus / "wire copy.htm").write_bytes((corpus / "riverside-library-reopens.htm").read_bytes())
    dirty = shell(ci, project)
    assert dirty.returncode == 1
    assert "check failed: 1 new duplicate in 1 cluster; none allowed" in dirty.stderr
    assert "corpus/wire copy.htm (exact)" in dirty.stderr
    assert (project / "dedup-report.json").is_file()
