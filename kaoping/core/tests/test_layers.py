"""The layers of docs/architecture.md hold on the real code, and an import that breaks them fails.

`lint-imports` (import-linter, contracts in pyproject.toml) runs on the project as it is, then on a
copy of its Python files with one forbidden import added: an input area importing the results, and
the pure engine importing Django.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT), "--no-cache", "--no-logo", str(root / "pyproject.toml")],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )


def _not_python(path: Path) -> bool:
    return path.name == "__pycache__" or (not path.is_dir() and path.suffix != ".py")


@pytest.fixture(scope="module")
def copy(tmp_path_factory) -> Path:
    """The project's Python files and pyproject.toml, in a directory of their own."""
    root = tmp_path_factory.mktemp("layers")
    shutil.copytree(
        ROOT / "kaoping",
        root / "kaoping",
        ignore=lambda folder, names: [
            n
            for n in names
            if not n.endswith(".py") and not (Path(folder) / n).is_dir() or n == "__pycache__"
        ],
    )
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    return root


def _add(root: Path, module: str, line: str) -> None:
    path = root / module
    path.write_text(path.read_text("utf-8") + f"\n{line}  # added by test_layers\n", "utf-8")


def test_the_real_code_keeps_every_contract():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


def test_every_layer_and_the_engine_are_named_in_the_contracts():
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["importlinter"]
    layers = next(c for c in config["contracts"] if c["id"] == "layers")["layers"]
    assert layers == [
        "site | ops",
        "dossier | yearbook",
        "pay",
        "annual",
        "reports | quarterly | appeals",
        "results",
        "scoring | evaluation | supervision | records",
        "indicators",
        "people : accounts : audit : inbox : files",
        "engine | core",
    ]
    engine = next(c for c in config["contracts"] if c["id"] == "engine-pure")
    assert "django" in engine["forbidden_modules"]


def test_the_appeals_and_the_reports_do_not_import_each_other(copy):
    _add(copy, "kaoping/appeals/services.py", "from kaoping.reports import rankings as _rankings")
    try:
        result = _lint(copy)
    finally:
        shutil.copy(ROOT / "kaoping/appeals/services.py", copy / "kaoping/appeals/services.py")
    assert result.returncode == 1
    assert "kaoping.appeals is not allowed to import kaoping.reports" in result.stdout


def test_an_input_area_importing_the_results_breaks_the_layers(copy):
    _add(copy, "kaoping/scoring/services.py", "from kaoping.results import results as _results")
    try:
        result = _lint(copy)
    finally:
        shutil.copy(ROOT / "kaoping/scoring/services.py", copy / "kaoping/scoring/services.py")
    assert result.returncode == 1
    assert "kaoping.scoring is not allowed to import kaoping.results" in result.stdout
    assert "kaoping.scoring.services -> kaoping.results.results" in result.stdout


def test_the_results_importing_the_annual_evaluation_breaks_the_layers(copy):
    _add(copy, "kaoping/results/selectors.py", "from kaoping.annual import scores as _scores")
    try:
        result = _lint(copy)
    finally:
        shutil.copy(ROOT / "kaoping/results/selectors.py", copy / "kaoping/results/selectors.py")
    assert result.returncode == 1
    assert "kaoping.results is not allowed to import kaoping.annual" in result.stdout


def test_two_independent_input_areas_importing_each_other_break_the_layers(copy):
    _add(copy, "kaoping/supervision/selectors.py", "from kaoping.scoring.models import Period as _Period")
    try:
        result = _lint(copy)
    finally:
        shutil.copy(ROOT / "kaoping/supervision/selectors.py", copy / "kaoping/supervision/selectors.py")
    assert result.returncode == 1
    assert "kaoping.supervision is not allowed to import kaoping.scoring" in result.stdout


def test_the_engine_importing_django_or_an_app_breaks_its_purity(copy):
    _add(
        copy,
        "kaoping/engine/ranking.py",
        "import django.db as _db\nfrom kaoping.core import errors as _errors",
    )
    try:
        result = _lint(copy)
    finally:
        shutil.copy(ROOT / "kaoping/engine/ranking.py", copy / "kaoping/engine/ranking.py")
    assert result.returncode == 1
    assert "The engine is pure: no Django, no database, no other kaoping app BROKEN" in result.stdout
    assert "kaoping.engine is not allowed to import django" in result.stdout
    assert "kaoping.engine.ranking -> django (l." in result.stdout
    assert "kaoping.engine.ranking -> kaoping.core.errors" in result.stdout
