"""Settings: defaults, then dedup.toml or pyproject.toml [tool.dedup], then flags."""

from __future__ import annotations

from pathlib import Path

import pytest

from dedup.config import ConfigError, Settings, find_settings_file, load_settings
from dedup.verify import RELATIONS


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()  # a repository root: the search stops here
    return tmp_path


def test_defaults_without_a_settings_file(project):
    settings = load_settings({}, cwd=project)
    assert settings == Settings()
    assert settings.policy.relations == frozenset(RELATIONS)
    assert settings.scan.keep == "earliest"


def test_pyproject_table_is_read_from_a_subfolder(project):
    (project / "pyproject.toml").write_text(
        '[project]\nname = "corpus"\n\n[tool.dedup]\nmax-duplicate-rate = 0.02\nrelations = ["exact", "near-copy"]\n'
        'keep = "longest"\ntext-field = "body"\nbaseline = "ci/known.json"\n'
    )
    (project / "data" / "2024").mkdir(parents=True)
    settings = load_settings({}, cwd=project / "data" / "2024")
    assert settings.source == project / "pyproject.toml"
    assert settings.policy.max_duplicate_rate == 0.02
    assert settings.policy.relations == {"exact", "near-copy"}
    assert settings.scan.keep == "longest"
    assert settings.fields.text == "body"
    assert settings.baseline == project / "ci" / "known.json"  # relative to the settings file


def test_dedup_toml_wins_over_pyproject_in_the_same_folder(project):
    (project / "pyproject.toml").write_text("[tool.dedup]\nmax-clusters = 9\n")
    (project / "dedup.toml").write_text("max-clusters = 3\n")
    assert load_settings({}, cwd=project).policy.max_clusters == 3


def test_pyproject_without_a_dedup_table_is_passed_over(project):
    (project / "dedup.toml").write_text("max-clusters = 4\n")
    (project / "sub").mkdir()
    (project / "sub" / "pyproject.toml").write_text('[project]\nname = "other"\n')
    assert find_settings_file(project / "sub") == project / "dedup.toml"


def test_search_stops_at_the_repository_root(tmp_path):
    (tmp_path / "dedup.toml").write_text("max-clusters = 4\n")
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    assert find_settings_file(tmp_path / "repo") is None


def test_flags_override_the_file(project):
    (project / "dedup.toml").write_text('max-duplicate-rate = 0.02\nrelations = "exact"\nbaseline = "known.json"\n')
    settings = load_settings(
        {"max-duplicate-rate": 0.5, "relations": "rewrite,near-copy", "baseline": "other.json"}, cwd=project
    )
    assert settings.policy.max_duplicate_rate == 0.5
    assert settings.policy.relations == {"rewrite", "near-copy"}
    assert settings.baseline == Path("other.json")  # a flag's path is relative to where dedup runs


def test_explicit_config_file_is_used_instead_of_the_search(project, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("ci") / "gate.toml"
    elsewhere.write_text("max-clusters = 0\n")
    (project / "dedup.toml").write_text("max-clusters = 7\n")
    assert load_settings({}, config=elsewhere, cwd=project).policy.max_clusters == 0


def test_unknown_key_is_an_error_naming_it(project):
    (project / "pyproject.toml").write_text("[tool.dedup]\nmax_duplicate_rate = 0.02\n")
    with pytest.raises(ConfigError) as raised:
        load_settings({}, cwd=project)
    assert str(raised.value) == (
        f"{project / 'pyproject.toml'}: max_duplicate_rate: unknown setting; did you mean 'max-duplicate-rate'?"
    )


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('max-duplicate-rate = "2%"', "max-duplicate-rate must be a number from 0 to 1 (got '2%')"),
        ("max-duplicate-rate = 2", "max-duplicate-rate must be a number from 0 to 1 (got 2)"),
        ("max-clusters = -1", "max-clusters must be a whole number, 0 or more (got -1)"),
        ("max-clusters = true", "max-clusters must be a whole number, 0 or more (got True)"),
        ('relations = ["copy"]', "relations must name relations among exact, near-copy, truncation, rewrite"),
        ('keep = "newest"', "keep must be one of earliest, longest, first (got 'newest')"),
        ('text-field = ""', "text-field must be a non-empty string (got '')"),
    ],
)
def test_wrong_values_are_errors_naming_file_key_and_value(project, line, message):
    (project / "dedup.toml").write_text(line + "\n")
    with pytest.raises(ConfigError, match="^" + str(project / "dedup.toml").replace(".", r"\.") + ": ") as raised:
        load_settings({}, cwd=project)
    assert message in str(raised.value)


def test_invalid_toml_is_an_error(project):
    (project / "dedup.toml").write_text("max-clusters = [\n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_settings({}, cwd=project)


def test_bad_flag_value_names_the_flag(project):
    with pytest.raises(ConfigError, match=r"^--relations must name relations"):
        load_settings({"relations": "exact,copies"}, cwd=project)
