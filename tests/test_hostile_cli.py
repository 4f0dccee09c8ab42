"""Hostile arguments to the command line: one-line errors and documented exit statuses only.

Generated arguments (search queries in broken FTS syntax, limits far out of range, dates that do
not exist, paths that are directories, devices or too long, hostile page files, ``--set`` values of
the wrong type, right-to-left marks and control characters) go to ``search``, ``runs``, ``sites``,
``stats``, ``export``, ``parse``, ``reparse --dry-run`` and ``crawl``. Every call ends with exit 0,
1 or 2, never a traceback; a usage error (click's "Usage:" line) always exits 2. No crawl starts:
crawl targets never name a portal or a URL.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from archive_fixtures import build_archive
from crawl_helpers import write_registry
from hostile_profiles import Tally, examples
from hypothesis import given
from hypothesis import strategies as st

from portal_spider.cli import main

pytestmark = pytest.mark.reliability
TALLY = Tally()
REGISTRY_SLUG = "xa-thu-nghiem"

ARGUMENT_PIECES = st.sampled_from(
    [
        "",
        " ",
        "-",
        "--",
        "-1",
        "0",
        "1",
        "20",
        "10000",
        "10001",
        "99999999999999999999",
        "1e309",
        "nan",
        "inf",
        "-inf",
        "0x10",
        "١٢",
        "１２",
        "2024-13-45",
        "2024-02-30",
        "9999-12-31",
        "0000-00-00",
        "yesterday",
        "tuyên giáo",
        "Đảng ủy",
        '"',
        '"tuyen',
        "AND (",
        "title:",
        "x:y",
        "NEAR/-1",
        "*",
        "^",
        "'",
        "OR OR",
        "NOT",
        "(",
        ")",
        "{",
        "}",
        "%s",
        "%n",
        "../../etc/passwd",
        "/",
        "/dev/null",
        "/dev/zero",
        "/proc/self/mem",
        ".",
        "..",
        "x" * 300,
        "\u202e",
        "\u200b",
        "\ufeff",
        "\x1b[2J",
        "\t",
        "\n",
        "tramtau",
        "yenbai",
        "TinTuc",
    ]
)
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"))
ARGUMENT = st.one_of(ARGUMENT_PIECES, TEXT.filter(lambda t: len(t) < 60)).filter(
    lambda t: "\x00" not in t
)
SET_VALUES = (
    st.builds(
        lambda name, value: f"{name}={value}",
        st.sampled_from(
            [
                "DOWNLOAD_DELAY",
                "CONCURRENT_REQUESTS",
                "ROBOTSTXT_OBEY",
                "DOWNLOAD_TIMEOUT",
                "PORTAL_ARCHIVE_OVERLAP_PAGES",
                "PORTAL_ARCHIVE_MAX_ATTEMPTS",
                "LOG_LEVEL",
                "",
            ]
        ),
        ARGUMENT,
    )
    | ARGUMENT
)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """An archive to query, a registry of one local portal, and a folder for page files."""
    folder = tmp_path_factory.mktemp("hostile-cli")
    db = folder / "archive.db"
    build_archive(db).close()
    registry = write_registry(
        folder / "portals.toml",
        [
            {
                "slug": REGISTRY_SLUG,
                "name": "Xã thử nghiệm",
                "level": "xã",
                "province": "Yên Bái",
                "base_url": "http://127.0.0.1:9/",
                "platform": "auto",
                "status": "active",
            }
        ],
    )
    yield {"db": db, "registry": registry, "folder": folder}
    TALLY.record("cli")


def invoke(world, args: list[str]):
    """Run the CLI in-process on ``args``; the result after checking what every call must do."""
    from click.testing import CliRunner

    runner = CliRunner(env={"PORTAL_ARCHIVE_REGISTRY": str(world["registry"])})

    def call():
        result = runner.invoke(main, args)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception  # a traceback: what this test exists to find
        return result

    result = TALLY.run(call)
    assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.output)
    assert "Traceback" not in result.output, (args, result.output)
    if "Usage:" in result.output and "--help" not in args:
        assert result.exit_code == 2, (args, result.output)
    return result


def options(pairs: dict[str, st.SearchStrategy]) -> st.SearchStrategy[list[str]]:
    """Some of ``--name value`` pairs (a flag when its strategy is None), in any order."""
    chosen = st.lists(st.sampled_from(sorted(pairs)), unique=True, max_size=len(pairs))

    @st.composite
    def build(draw):
        args: list[str] = []
        for name in draw(chosen):
            args.append(name)
            if pairs[name] is not None:
                args.append(draw(pairs[name]))
        return args

    return build()


@examples(full=600, quick=10)
@given(
    query=ARGUMENT,
    extra=options(
        {
            "--limit": ARGUMENT,
            "--portal": ARGUMENT,
            "--province": ARGUMENT,
            "--since": ARGUMENT,
            "--until": ARGUMENT,
            "--literal": None,
            "--json": None,
        }
    ),
)
def test_search_with_hostile_arguments(world, query, extra):
    TALLY.tried()
    invoke(world, ["search", query, "--db", str(world["db"]), *extra])


@examples(full=400, quick=8)
@given(
    command=st.sampled_from(["runs", "sites", "stats", "export"]),
    extra=options(
        {
            "--portal": ARGUMENT,
            "--limit": ARGUMENT,
            "--province": ARGUMENT,
            "--level": ARGUMENT,
            "--platform": ARGUMENT,
            "--status": ARGUMENT,
            "--format": ARGUMENT,
            "--since": ARGUMENT,
            "--until": ARGUMENT,
            "--json": None,
        }
    ),
    db=st.one_of(st.none(), ARGUMENT),
)
def test_listing_commands_with_hostile_arguments(world, command, extra, db):
    TALLY.tried()
    args = [command, *extra]
    if command != "sites":
        args += ["--db", str(world["db"]) if db is None else db]
    invoke(world, args)


PAGE_BYTES = st.one_of(
    st.binary(max_size=200),
    st.sampled_from(
        [
            b"",
            b"   ",
            b"<!-- only a comment -->",
            b"\xff\xfe<\x00h\x00t\x00m\x00l\x00>\x00",
            b"\x00\x00\xfe\xff",
            b"<html><body><h1>H\xf4\xd2i</h1></body></html>",
            b"<?xml version='1.0' encoding='utf-16'?><html><p>x",
            b"\x89PNG\r\n\x1a\n\x00",
        ]
    ),
    TEXT.map(lambda t: ("<html><body><p>" + t).encode("utf-8", errors="replace")),
)


@examples(full=400, quick=8)
@given(
    content=st.one_of(st.none(), PAGE_BYTES),
    path=ARGUMENT,
    url=ARGUMENT,
    extra=options({"--platform": ARGUMENT, "--day-first": None, "--month-first": None}),
)
def test_parse_with_hostile_files_and_arguments(world, content, path, url, extra):
    TALLY.tried()
    if content is None:
        target = path  # a path as typed: missing, a directory, a device, too long
    else:
        page = world["folder"] / "page.html"
        page.write_bytes(content)
        target = str(page)
    invoke(world, ["parse", target, "--url", url, *extra])


@examples(full=300, quick=6)
@given(
    targets=st.lists(ARGUMENT, max_size=3),
    extra=options({"--set": SET_VALUES, "--delay": ARGUMENT, "--full": None, "--db": ARGUMENT}),
)
def test_crawl_refuses_hostile_arguments_without_crawling(world, targets, extra):
    TALLY.tried()
    targets = [t for t in targets if "://" not in t and t.strip() != REGISTRY_SLUG]
    if not targets:
        targets = ["khong-co-cong-nay"]
    result = invoke(world, ["crawl", *targets, *extra])
    assert result.exit_code == 2, (targets, extra, result.output)


@examples(full=200, quick=5)
@given(portals=st.lists(ARGUMENT, max_size=3))
def test_reparse_dry_run_with_hostile_portals(world, tmp_path_factory, portals):
    TALLY.tried()
    db = world["folder"] / "reparse.db"
    if not db.exists():
        shutil.copy(world["db"], db)
    args = ["reparse", "--db", str(db), "--dry-run"]
    for portal in portals:
        args += ["--portal", portal]
    invoke(world, args)
    assert Path(db).exists()
