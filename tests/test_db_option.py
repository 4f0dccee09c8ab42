"""The ``--db`` option behaves the same in the crawler's command line and the archive's."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from archive import cli as archive_cli
from archive.db import open_archive
from portal_spider import cli as crawler_cli

READING_COMMANDS = ["runs", "stats", "search x", "export"]


@pytest.mark.parametrize("group", [crawler_cli.main, archive_cli.main], ids=["crawler", "archive"])
@pytest.mark.parametrize("command", READING_COMMANDS)
def test_a_reading_command_refuses_an_archive_that_is_not_there(tmp_path: Path, group, command):
    missing = tmp_path / "missing.db"
    result = CliRunner().invoke(group, [*command.split(), "--db", str(missing)])
    assert result.exit_code == 2
    assert "does not exist" in result.output
    assert not missing.exists()


@pytest.mark.parametrize("group", [crawler_cli.main, archive_cli.main], ids=["crawler", "archive"])
def test_runs_reads_the_archive_named_by_the_environment(tmp_path: Path, group, monkeypatch):
    path = tmp_path / "env.db"
    open_archive(path).close()
    monkeypatch.setenv("PORTAL_ARCHIVE_DB", str(path))
    result = CliRunner().invoke(group, ["runs"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "no crawl run recorded"
