"""Every command of ``portal-archive`` documents itself: a help text from its docstring, and help
for each of its options, so ``--help`` at every level explains what it does."""

from __future__ import annotations

import logging

import click
import pytest
from click.testing import CliRunner

from archive.cli import main as archive_main
from portal_spider.cli import main

logger = logging.getLogger(__name__)


def walk(
    command: click.Command, path: tuple[str, ...]
) -> list[tuple[tuple[str, ...], click.Command]]:
    """``command`` and every command below it, each with the words that invoke it."""
    found = [(path, command)]
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            found.extend(walk(sub, (*path, name)))
    return found


COMMANDS = walk(main, ("portal-archive",)) + walk(archive_main, ("python -m archive.cli",))
IDS = [" ".join(path) for path, _ in COMMANDS]


def test_the_walk_finds_the_groups_and_the_archive_commands():
    names = {" ".join(path) for path, _ in COMMANDS}
    for name in ("crawl", "runs", "sites", "demo", "bench-extract", "fixtures regenerate"):
        assert f"portal-archive {name}" in names
    for name in ("search", "export", "serve", "stats"):
        assert f"portal-archive {name}" in names
        assert f"python -m archive.cli {name}" in names


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=IDS)
def test_command_has_help_from_its_docstring(path, command):
    callback_doc = (command.callback.__doc__ or "").strip() if command.callback else ""
    assert (command.help or "").strip(), f"{' '.join(path)}: no help text"
    assert callback_doc, f"{' '.join(path)}: its function has no docstring"
    assert command.get_short_help_str(limit=80).strip()


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=IDS)
def test_every_option_has_help(path, command):
    context = click.Context(command, info_name=path[-1])
    undocumented = [
        "/".join(param.opts)
        for param in command.get_params(context)
        if isinstance(param, click.Option) and not (param.help or "").strip()
    ]
    assert not undocumented, f"{' '.join(path)}: options without help: {undocumented}"


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=IDS)
def test_help_runs(path, command):
    root = main if path[0] == "portal-archive" else archive_main
    result = CliRunner().invoke(root, [*path[1:], "--help"])
    assert result.exit_code == 0, result.output
    assert (command.help or "").strip().split("\n")[0][:40] in " ".join(result.output.split())
