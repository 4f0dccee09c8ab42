"""``portal-archive search`` loads only what a search needs: not the crawler (Scrapy, Twisted),
not the extraction (trafilatura, lxml), not sqlite-utils (which loads numpy when it is
installed). Process start is most of a command-line search's time; this keeps it so."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from archive_fixtures import SEED_ID, build_archive

HEAVY = ("scrapy", "twisted", "trafilatura", "numpy", "lxml", "sqlite_utils", "redis", "datasette")

RUN = """
import json, sys
from portal_spider.cli import main
main.main(sys.argv[1:], prog_name="portal-archive", standalone_mode=False)
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def loaded_by(*args: str) -> tuple[list[str], str]:
    """The top-level modules loaded by ``portal-archive ARGS``, and what it printed first."""
    done = subprocess.run(
        [sys.executable, "-c", RUN, *args], capture_output=True, text=True, check=True
    )
    *printed, modules = done.stdout.strip().splitlines()
    return json.loads(modules), "\n".join(printed)


def test_search_imports_nothing_heavy(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    build_archive(path).close()
    modules, printed = loaded_by("search", "--db", str(path), "--json", "dang uy")
    assert json.loads(printed)[0]["id"] == SEED_ID  # the search ran
    assert [name for name in HEAVY if name in modules] == []


def test_the_help_still_lists_the_commands_of_every_module() -> None:
    _, printed = loaded_by("--help")
    # this module's, the archive's, the registry's, discovery's and the cluster's
    for command in ("crawl", "search", "export", "sites", "explore", "ingest"):
        assert f"  {command} " in printed
