"""Settings for every command that scans: defaults, then a settings file, then command-line flags.

The file is `dedup.toml` (keys at the top level) or `pyproject.toml` (keys under `[tool.dedup]`), found
in the current directory or the nearest parent that has one, stopping at the repository root; so CI and
people run with the same thresholds. Keys are spelled like the flags: `max-duplicate-rate = 0.02`.
A key dedup does not know is an error, not a silent no-op: a misspelt threshold must not pass a gate.
Settings are built once, early; the rest of dedup reads them and never looks at raw flags.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .cluster import KEEP_RULES
from .gate import Policy
from .reading import Fields
from .scan import ScanOptions
from .verify import RELATIONS, Thresholds

SETTINGS_FILE = "dedup.toml"
PYPROJECT = "pyproject.toml"
_REPOSITORY_ROOT = (".git", ".hg")


class ConfigError(Exception):
    """A settings file that cannot be read or holds a wrong key or value; the message says which."""


@dataclass(frozen=True)
class Settings:
    fields: Fields = field(default_factory=Fields)
    scan: ScanOptions = field(default_factory=ScanOptions)
    policy: Policy = field(default_factory=Policy)
    baseline: Path | None = None
    source: Path | None = None  # the settings file used, if any


def _number(low: float, high: float) -> Callable[[Any], float]:
    def convert(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
            raise ValueError(f"must be a number from {low:g} to {high:g}")
        return float(value)

    return convert


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError("must be a whole number, 0 or more")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError("must be a non-empty string")
    return value


def _keep(value: Any) -> str:
    if value not in KEEP_RULES:
        raise ValueError(f"must be one of {', '.join(KEEP_RULES)}")
    return str(value)


def _relations(value: Any) -> frozenset[str]:
    """A list of relations, or one string of them separated by commas (as on the command line)."""
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not all(isinstance(item, str) for item in items):
        raise ValueError("must be a list of relation names")
    chosen = frozenset(item.strip() for item in items if item.strip())
    if not chosen or not chosen <= set(RELATIONS):
        raise ValueError(f"must name relations among {', '.join(RELATIONS)}")
    return chosen


def _path(value: Any) -> Path:
    return Path(_text(value))


KEYS: dict[str, Callable[[Any], Any]] = {
    "keep": _keep,
    "rewrite-score": _number(0, 2),
    "min-sentences": _number(0, 1),
    "jobs": _count,
    "text-field": _text,
    "id-field": _text,
    "date-field": _text,
    "title-field": _text,
    "url-field": _text,
    "max-duplicate-rate": _number(0, 1),
    "max-clusters": _count,
    "relations": _relations,
    "baseline": _path,
}


def load_settings(flags: Mapping[str, Any], config: Path | None = None, cwd: Path | None = None) -> Settings:
    """Settings from `config` (or the file found from `cwd`), overridden by `flags`: the keys of KEYS
    given on the command line, with their values. Raises ConfigError naming the file and key."""
    folder = cwd or Path.cwd()
    source = config if config is not None else find_settings_file(folder)
    values: dict[str, Any] = {}
    if source is not None:
        for key, raw in read_settings_file(source).items():
            values[key] = _convert(key, raw, f"{source}: {key}")
        if "baseline" in values:  # a path in a settings file is relative to that file, as in pyproject tools
            values["baseline"] = source.parent / values["baseline"]
    for key, raw in flags.items():
        values[key] = _convert(key, raw, f"--{key}")
    return _settings(values, source)


def find_settings_file(start: Path) -> Path | None:
    """dedup.toml, or a pyproject.toml with a [tool.dedup] table, in `start` or its nearest parent;
    the search stops at a repository root (a folder holding .git or .hg)."""
    start = start.resolve()
    for folder in (start, *start.parents):
        candidate = folder / SETTINGS_FILE
        if candidate.is_file():
            return candidate
        pyproject = folder / PYPROJECT
        if pyproject.is_file() and "dedup" in _read_toml(pyproject).get("tool", {}):
            return pyproject
        if any((folder / marker).exists() for marker in _REPOSITORY_ROOT):
            return None
    return None


def read_settings_file(path: Path) -> dict[str, Any]:
    """The raw dedup table of a settings file: [tool.dedup] of a pyproject.toml, else the top level."""
    data = _read_toml(path)
    table = data.get("tool", {}).get("dedup", {}) if path.name == PYPROJECT else data
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.dedup] must be a table")
    return table


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as problem:
        raise ConfigError(f"cannot read {path}: {problem.strerror or problem}") from problem
    except tomllib.TOMLDecodeError as problem:
        raise ConfigError(f"{path}: invalid TOML: {problem}") from problem


def _convert(key: str, raw: Any, label: str) -> Any:
    """KEYS[key](raw); `label` names the setting in messages ("dedup.toml: keep", "--keep")."""
    if key not in KEYS:
        close = difflib.get_close_matches(key, KEYS, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"known settings: {', '.join(KEYS)}"
        raise ConfigError(f"{label}: unknown setting; {hint}")
    try:
        return KEYS[key](raw)
    except ValueError as problem:
        raise ConfigError(f"{label} {problem} (got {raw!r})") from problem


def _settings(values: Mapping[str, Any], source: Path | None) -> Settings:
    fields = Fields(
        **{
            name: values[f"{name}-field"]
            for name in ("text", "id", "date", "title", "url")
            if f"{name}-field" in values
        }
    )
    scan = ScanOptions(
        keep=values.get("keep", ScanOptions.keep),
        policy=Thresholds(
            rewrite_score=values.get("rewrite-score", Thresholds.rewrite_score),
            rewrite_sentences=values.get("min-sentences", Thresholds.rewrite_sentences),
        ),
        jobs=values.get("jobs") or None,
    )
    policy = Policy(
        max_duplicate_rate=values.get("max-duplicate-rate"),
        max_clusters=values.get("max-clusters"),
        relations=values.get("relations", frozenset(RELATIONS)),
    )
    return Settings(fields=fields, scan=scan, policy=policy, baseline=values.get("baseline"), source=source)
