"""The wings hold (pyproject.toml's import-linter contract): lower wings never import higher ones,
and the package root holds only the entry points and foundations the contract names."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pytest's own dependency
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = ROOT / "pyproject.toml"
SOURCE = ROOT / "src" / "nyc_mobility"

pytestmark = pytest.mark.skipif(not SOURCE.is_dir(), reason="needs the source checkout (src/)")


def contract() -> dict:
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]
    return next(c for c in config["contracts"] if c["name"] == "wings")


def named_in_layers() -> set[str]:
    return {name.strip() for layer in contract()["layers"] for name in layer.split("|")}


def lint(source_root: Path, monkeypatch) -> int:
    from importlinter.cli import lint_imports

    monkeypatch.syspath_prepend(str(source_root))
    for name in [m for m in sys.modules if m == "nyc_mobility" or m.startswith("nyc_mobility.")]:
        monkeypatch.delitem(sys.modules, name)
    return lint_imports(config_filename=str(PYPROJECT), no_cache=True, no_logo=True)


def test_the_root_holds_only_what_the_contract_names():
    root = {p.stem for p in SOURCE.glob("*.py") if p.stem != "__init__"}
    wings = {p.name for p in SOURCE.iterdir() if (p / "__init__.py").is_file()}
    assert root | wings == named_in_layers(), "a new module or wing: put it in the wing of its stage"
    assert len(root) + 1 <= 12  # __init__ included


def test_the_wings_contract_is_kept(monkeypatch):
    assert lint(SOURCE.parent, monkeypatch) == 0


@pytest.mark.parametrize(
    ("module", "bad_import"),
    [
        ("raw/layout.py", "from nyc_mobility.cli import main"),  # a lower wing importing a higher one
        ("serving/publishing.py", "from nyc_mobility.dbt import project"),  # two independent wings
        ("errors.py", "from nyc_mobility import settings"),  # a foundation importing up
    ],
)
def test_a_planted_bad_import_breaks_the_contract(tmp_path, monkeypatch, module, bad_import):
    planted = tmp_path / "src" / "nyc_mobility"
    shutil.copytree(SOURCE, planted, ignore=shutil.ignore_patterns("__pycache__", "dbt_project"))
    target = planted / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{bad_import}  # planted\n", encoding="utf-8")
    assert lint(tmp_path / "src", monkeypatch) == 1
