"""dbt's kept parse is reused by the same project location only.

dbt checks a kept parse's version, vars, profile and project files but not where the project is; a
parse made by an install elsewhere names the seeds' CSVs by that install's absolute paths, and every
seed then fails ("No files found that match the pattern .../seeds/...csv": seen when a data folder
outlived the checkout that built it)."""

from __future__ import annotations

from nyc_mobility.dbt.parse_cache import PARSE_CACHE, restore_parse_cache, save_parse_cache
from nyc_mobility.settings import Settings


def _invocation(tmp_path, name: str, parse: bytes | None):
    target = tmp_path / "data" / "dbt" / "runs" / name
    target.mkdir(parents=True)
    if parse is not None:
        (target / PARSE_CACHE).write_bytes(parse)
    return target


def test_a_parse_is_restored_for_the_project_location_that_made_it_only(tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    here, elsewhere = tmp_path / "venv-a" / "dbt_project", tmp_path / "venv-b" / "dbt_project"
    save_parse_cache(settings, _invocation(tmp_path, "first", b"parse of a"), here)

    again = _invocation(tmp_path, "second", None)
    restore_parse_cache(settings, again, here)
    assert (again / PARSE_CACHE).read_bytes() == b"parse of a"

    moved = _invocation(tmp_path, "third", None)
    restore_parse_cache(settings, moved, elsewhere)
    assert not (moved / PARSE_CACHE).exists()  # dbt parses the project where it is now

    save_parse_cache(settings, _invocation(tmp_path, "fourth", b"parse of b"), elsewhere)
    for project, parse in ((here, b"parse of a"), (elsewhere, b"parse of b")):
        target = _invocation(tmp_path, f"back-{project.parent.name}", None)
        restore_parse_cache(settings, target, project)
        assert (target / PARSE_CACHE).read_bytes() == parse


def test_the_unkeyed_parse_of_an_earlier_version_is_never_restored_and_is_removed(tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    settings.dbt_artifacts_dir.mkdir(parents=True)
    (settings.dbt_artifacts_dir / PARSE_CACHE).write_bytes(b"parse from somewhere")
    project = tmp_path / "dbt_project"
    target = _invocation(tmp_path, "first", None)
    restore_parse_cache(settings, target, project)
    assert not (target / PARSE_CACHE).exists()
    save_parse_cache(settings, _invocation(tmp_path, "second", b"fresh"), project)
    assert not (settings.dbt_artifacts_dir / PARSE_CACHE).exists()
    assert [p.name for p in settings.dbt_artifacts_dir.glob(".*")] == []  # no temporary file left
