"""Serving an archive with datasette: its metadata, plugin, settings, and the server itself.

The metadata (archive/datasette/metadata.yml) names the database "archive"; datasette names a
database after its file, so the key is renamed to the served file's stem before datasette sees it.
"""

from __future__ import annotations

import json
import logging
import tempfile
from pathlib import Path
from typing import Any

import yaml
from datasette.app import Datasette
from datasette.plugins import pm

from archive import datasette_plugin, table_columns, table_search

logger = logging.getLogger(__name__)

DATASETTE_DIR = Path(__file__).parent / "datasette"
METADATA_FILE = DATASETTE_DIR / "metadata.yml"
TEMPLATE_DIR = DATASETTE_DIR / "templates"
METADATA_DATABASE_KEY = "archive"

# Datasette settings for an archive: short cells in tables, room for FTS on big archives. Facets
# that cannot be counted quickly are left out rather than slowing the page (the month, portal and
# category facets have indexes: migration m005); no facet suggestions, which try every column.
SETTINGS: dict[str, Any] = {
    "truncate_cells_html": 300,
    "default_page_size": 50,
    "sql_time_limit_ms": 5000,
    "facet_time_limit_ms": 400,
    "suggest_facets": False,
}


def database_name(path: str | Path) -> str:
    """The name datasette gives the database in ``path`` (the file name without extension)."""
    return Path(path).stem


def load_metadata(name: str = METADATA_DATABASE_KEY) -> dict[str, Any]:
    """The archive's datasette metadata, with its database entry under ``name``."""
    metadata = yaml.safe_load(METADATA_FILE.read_text(encoding="utf-8"))
    databases = metadata.get("databases", {})
    if name != METADATA_DATABASE_KEY:
        databases[name] = databases.pop(METADATA_DATABASE_KEY)
    return metadata


PLUGINS = {
    "portal-archive": datasette_plugin,
    "portal-archive-columns": table_columns,
    "portal-archive-table-search": table_search,
}


def register_plugin() -> None:
    """Register the archive's datasette plugins in this process: SQL functions and article
    links, default columns, table searches with very many matches."""
    for name, plugin in PLUGINS.items():
        if not pm.is_registered(plugin):
            pm.register(plugin, name=name)


def build_datasette(path: str | Path) -> Datasette:
    """A Datasette instance for the archive at ``path``, configured as ``serve`` runs it."""
    register_plugin()
    return Datasette(
        [str(path)],
        metadata=load_metadata(database_name(path)),
        settings=SETTINGS,
        template_dir=str(TEMPLATE_DIR),
    )


def datasette_args(
    path: str | Path, metadata_file: str | Path, host: str, port: int, open_browser: bool = False
) -> list[str]:
    """The ``datasette serve`` arguments for the archive at ``path``."""
    args = [
        "serve",
        str(path),
        "--metadata",
        str(metadata_file),
        "--host",
        host,
        "--port",
        str(port),
        "--template-dir",
        str(TEMPLATE_DIR),
    ]
    for name, value in SETTINGS.items():
        args += ["--setting", name, str(value)]
    if open_browser:
        args.append("--open")
    return args


def serve(
    path: str | Path, host: str = "127.0.0.1", port: int = 8001, open_browser: bool = False
) -> None:
    """Run datasette on the archive at ``path`` until interrupted (in this process, so that the
    archive's plugin registered here is active)."""
    from datasette.cli import cli as datasette_cli

    register_plugin()
    with tempfile.TemporaryDirectory(prefix="portal-archive-") as tmp:
        metadata_file = Path(tmp) / "metadata.json"
        metadata_file.write_text(
            json.dumps(load_metadata(database_name(path)), ensure_ascii=False), encoding="utf-8"
        )
        args = datasette_args(path, metadata_file, host, port, open_browser)
        logger.info("datasette %s", " ".join(args))
        datasette_cli.main(args=args, prog_name="datasette", standalone_mode=False)
