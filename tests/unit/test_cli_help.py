"""Every command's help reads as written: no text swallowed as console markup, no stray spaces."""

from __future__ import annotations

import re

import click
import pytest
import typer
from typer.testing import CliRunner

from nyc_mobility.cli import app


def _commands(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))


@pytest.mark.parametrize("path", list(_commands(typer.main.get_command(app))), ids=" ".join)
def test_help_has_no_swallowed_text_or_stray_spaces(path):
    result = CliRunner().invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    text = result.output
    assert not re.search(r"\w \.(\s|$)", text), text  # "warehouse ." where markup ate "[env ...]"
    if path[-1] in ("run", "ingest", "sample"):
        assert "(env" in text  # the environment variable is shown, not eaten
