"""One reading of a failure (nyc_mobility.errors): known conditions by their type or message."""

from __future__ import annotations

import errno
from types import SimpleNamespace

from nyc_mobility.errors import KnownError, error_text, explain, root_cause


def info(message, cause=None, context=None):
    return SimpleNamespace(message=message, cause=cause, context=context)


def test_root_cause_reads_the_whole_chain_of_a_dagster_error():
    chain = info(
        'Error occurred while executing op "x":', cause=info("OSError: [Errno 28] No space left on device")
    )
    assert error_text(chain).splitlines() == [
        'Error occurred while executing op "x":',
        "OSError: [Errno 28] No space left on device",
    ]
    assert root_cause(chain) == "No space left on device: free space in the data directory and run again"
    assert root_cause(None) == "unknown error"


def test_root_cause_keeps_dbt_node_errors_only():
    text = "step failed\nErrors parsed from dbt logs:\n\n  Database Error in model fct_trips\n  bad column\n"
    assert root_cause(text) == "Database Error in model fct_trips\nbad column"


def test_a_known_error_anywhere_in_the_chain_is_its_own_message():
    class Refused(KnownError):
        pass

    try:
        try:
            raise Refused("the month is being landed: wait")
        except Refused as inner:
            raise RuntimeError("wrapped") from inner
    except RuntimeError as outer:
        assert explain(outer) == "the month is being landed: wait"
    full = OSError(errno.ENOSPC, "No space left on device", "/x/y.duckdb")
    assert explain(full).startswith("No space left on device while writing /x/y.duckdb")


def test_the_module_imports_nothing_of_the_package():
    import ast
    from pathlib import Path

    import nyc_mobility.errors as errors

    tree = ast.parse(Path(errors.__file__).read_text(encoding="utf-8"))
    imported = [
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    ] + [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    assert not [name for name in imported if name.startswith("nyc_mobility")]
