"""`make mutate` exists and mutates the pure modules with their own tests (docs/testing.md)."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["mutmut"]


def test_the_makefile_has_a_bounded_mutate_target():
    makefile = (ROOT / "Makefile").read_text("utf-8")
    assert "\nmutate: setup\n" in makefile
    assert "mutmut run --max-children 2" in makefile
    assert "timeout" in makefile.split("\nmutate: setup\n", 1)[1].split("\n\n", 1)[0]


def test_every_pure_module_and_test_file_named_for_mutation_exists():
    config = _config()
    assert "kaoping/engine/ranking.py" in config["only_mutate"]
    assert "kaoping/engine/engine.py" in config["only_mutate"]
    for path in config["only_mutate"] + config["pytest_add_cli_args_test_selection"]:
        assert (ROOT / path).is_file(), path


def test_the_mutation_copy_is_not_committed_and_the_score_is_documented():
    assert "mutants/" in (ROOT / ".gitignore").read_text("utf-8").split()
    assert "make mutate" in (ROOT / "docs" / "testing.md").read_text("utf-8")
