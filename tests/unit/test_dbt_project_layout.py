"""The dbt project's structure rules, as dbt-project-evaluator checks them for models: a macro file is
named after its macro (with its engine implementations and the helpers only it uses), generic data
tests live in tests/generic/, and unit tests sit beside the model they test."""

from __future__ import annotations

import re

import yaml

from nyc_mobility.dbt.project import project_dir

PROJECT = project_dir()
MACRO = re.compile(r"\{%-?\s*macro\s+([a-z_0-9]+)\s*\(")
TEST = re.compile(r"\{%-?\s*test\s+([a-z_0-9]+)\s*\(")


def family(name: str) -> str:
    return re.sub(r"^(default|spark|duckdb)__", "", name)


def test_every_macro_file_is_named_after_its_macro():
    wrong = {}
    for path in sorted((PROJECT / "macros").rglob("*.sql")):
        text = path.read_text(encoding="utf-8")
        names = MACRO.findall(text)
        assert names, f"{path}: no macro"
        others = {family(n) for n in names} - {path.stem}
        # a helper is used by the file's macro and by no other file of the project
        shared = [
            n
            for n in others
            if any(
                re.search(rf"\b{n}\s*\(", other.read_text(encoding="utf-8"))
                for other in PROJECT.rglob("*.sql")
                if other != path and "target" not in other.parts
            )
        ]
        if path.stem not in {family(n) for n in names} or shared:
            wrong[str(path.relative_to(PROJECT))] = sorted(others)
    assert wrong == {}, "one macro a file, the file named after it"


def test_generic_tests_live_in_tests_generic():
    in_macros = [p for p in (PROJECT / "macros").rglob("*.sql") if TEST.search(p.read_text(encoding="utf-8"))]
    assert in_macros == []
    generic = sorted((PROJECT / "tests" / "generic").glob("*.sql"))
    assert generic and all(TEST.findall(p.read_text(encoding="utf-8")) == [p.stem] for p in generic)


def test_unit_tests_sit_beside_the_model_they_test():
    folders = {p.stem: p.parent for p in (PROJECT / "models").rglob("*.sql")}
    misplaced = []
    for path in (PROJECT / "models").rglob("*.yml"):
        for unit in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("unit_tests") or []:
            if folders.get(unit["model"]) != path.parent:
                misplaced.append((str(path.relative_to(PROJECT)), unit["name"]))
    assert misplaced == []
