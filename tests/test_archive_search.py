"""Full-text search: diacritics, đ folding, phrases, ranking, snippets, filters, errors, CLI."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import click
import pytest
from archive_fixtures import (
    SEED_ID,
    SEED_TITLE,
    article,
    build_archive,
    insert_article,
    seed_article,
)
from click.testing import CliRunner
from sqlite_utils import Database

from archive import cli
from archive.db import open_archive
from archive.filters import fold_letters, match_key
from archive.migrations import FOLDED_LETTERS, migrations
from archive.search import SearchSyntaxError, literal_query, make_snippet, search


@pytest.fixture
def db(tmp_path: Path) -> Database:
    return build_archive(tmp_path / "archive.db")


def ids(hits) -> list[str]:
    return [hit.id for hit in hits]


@pytest.mark.parametrize(
    "query",
    [
        "tuyên giáo",
        "tuyen giao",
        "TUYEN GIAO",
        "dang uy",
        "Đảng ủy",
        "đảng ủy",
        '"Đảng ủy"',
        '"dang uy"',
        '"tuyen giao" AND "dang uy"',
        "Ban Tuyen giao Huyen uy",
        unicodedata.normalize("NFD", "tuyên giáo"),
    ],
)
def test_seed_article_found_with_and_without_diacritics(db: Database, query: str) -> None:
    assert SEED_ID in ids(search(db, query))


def test_phrase_query_needs_adjacent_words(db: Database) -> None:
    assert SEED_ID in ids(search(db, '"cong tac tuyen giao"'))
    assert SEED_ID not in ids(search(db, '"tuyen giao dang"'))


def test_words_must_all_match(db: Database) -> None:
    assert ids(search(db, "tuyen giao du lich")) == []


def test_title_matches_rank_above_body_matches(db: Database) -> None:
    insert_article(
        db,
        article(
            "tramtau-9",
            "tramtau",
            "Tin văn hóa",
            "2023-08-01T08:00:00+07:00",
            5,
            body_text="Một câu có nhắc đến du lịch ở cuối bài.",
        ),
    )
    assert ids(search(db, "du lich"))[:2] == ["mucangchai-1001", "tramtau-9"]


def test_snippet_and_title_keep_the_stored_letters(db: Database) -> None:
    (hit,) = search(db, '"dang uy"')
    assert "[Đảng ủy]" in hit.snippet
    assert "Dảng" not in hit.snippet
    (hit,) = search(db, "tuyen giao", markers=("<b>", "</b>"))
    assert hit.title_highlighted == SEED_TITLE.replace("tuyên giáo", "<b>tuyên</b> <b>giáo</b>")
    assert hit.title == SEED_TITLE
    assert (
        hit.views == 4829 and hit.province == "Yên Bái" and hit.source == "Ban Tuyên giáo Huyện ủy"
    )


def test_snippet_window_is_short_and_marks_cuts() -> None:
    text = " ".join(["chữ"] * 200) + " \x02đích\x03 " + " ".join(["sau"] * 200)
    snippet = make_snippet(text, width=100)
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "\x02đích\x03" in snippet and len(snippet) < 160


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"portal": "tramtau"}, [SEED_ID]),
        ({"portal": "mucangchai"}, []),
        ({"province": "yen bai"}, [SEED_ID]),
        ({"province": "Lào Cai"}, []),
        ({"since": "2023-07-14", "until": "2023-07"}, [SEED_ID]),
        ({"since": "2023-07-15"}, []),
        ({"until": "2023-07-13"}, []),
        ({"until": "2023"}, [SEED_ID]),
    ],
)
def test_filters(db: Database, filters: dict, expected: list[str]) -> None:
    assert ids(search(db, "tuyen giao", **filters)) == expected


def test_limit(db: Database) -> None:
    assert len(search(db, "huyen")) == 2
    assert len(search(db, "huyen", limit=1)) == 1


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ('"tuyen giao', "double quote"),
        ("tuyen AND", "end of the query"),
        ("tuyen OR OR giao", "near"),
        ("tieude: tuyen", "field"),
        ("Covid-19", "Covid-19"),
        ("   ", "empty"),
    ],
)
def test_malformed_queries_raise_a_clear_error(db: Database, query: str, says: str) -> None:
    with pytest.raises(SearchSyntaxError, match=says):
        search(db, query)


def test_literal_queries_ignore_syntax(db: Database) -> None:
    assert literal_query('tuyen AND "giao') == '"tuyen" "AND" "giao"'
    assert search(db, "Covid-19", literal=True) == []
    assert SEED_ID in ids(search(db, "tuyen giao", literal=True))


def test_bad_date_is_a_value_error(db: Database) -> None:
    with pytest.raises(ValueError, match="YYYY"):
        search(db, "tuyen", since="14/07/2023")


def test_triggers_follow_updates_upserts_and_deletes(db: Database) -> None:
    db["articles"].update(SEED_ID, {"title": "Hội nghị tổng kết công tác dân vận"})
    assert SEED_ID in ids(search(db, "dan van"))
    assert SEED_ID not in ids(search(db, '"chi dao 35"'))
    db["articles"].update(SEED_ID, {"views": 5000})  # not a text column: index untouched
    db["articles"].upsert({**seed_article(), "body_text": "Nội dung mới về đổi mới"}, pk="id")
    assert SEED_ID in ids(search(db, "doi moi"))
    assert SEED_ID not in ids(search(db, "dang uy"))
    for table in ("article_views", "article_versions"):
        db[table].delete_where("article_id = ?", [SEED_ID])
    db["articles"].delete(SEED_ID)
    assert search(db, "tuyen giao") == []
    db.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")


def test_index_built_for_articles_stored_before_the_migration(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = open_archive(path, migrate=False)
    migrations.apply(old, stop_before="m002_search_index")
    old["portals"].insert({"slug": "tramtau", "name": "Trạm Tấu", "province": "Yên Bái"})
    old["articles"].insert(seed_article())
    old.close()
    assert ids(search(open_archive(path), "dang uy")) == [SEED_ID]


def test_python_folding_matches_the_index_folding(db: Database) -> None:
    text = "Đảng ủy đoàn ĐOÀN Ðông ðức"
    (sql_folded,) = db.execute(
        "SELECT title_folded FROM articles WHERE id = ?", [SEED_ID]
    ).fetchone()
    assert sql_folded == fold_letters(SEED_TITLE)
    assert set(fold_letters(text)) & set(FOLDED_LETTERS) == set()
    assert match_key(" Yên  BÁI ") == "yen bai"


def run_cli(*args: str, db_path: Path) -> object:
    group = click.Group("portal-archive")
    cli.register(group)
    return CliRunner().invoke(group, [*args, "--db", str(db_path)])


def test_cli_search_prints_ranked_hits(db: Database, tmp_path: Path) -> None:
    result = run_cli("search", "tuyen giao", db_path=tmp_path / "archive.db")
    assert result.exit_code == 0, result.output
    assert "1. Hội nghị sơ kết công tác [tuyên] [giáo], Ban Chỉ đạo 35" in result.output
    assert "tramtau (Yên Bái) · 2023-07-14 · 4829 views" in result.output


def test_cli_search_json(db: Database, tmp_path: Path) -> None:
    result = run_cli(
        "search", "dang uy", "--json", "--province", "Yen Bai", db_path=tmp_path / "archive.db"
    )
    assert result.exit_code == 0, result.output
    (hit,) = json.loads(result.output)
    assert hit["id"] == SEED_ID and hit["title"] == SEED_TITLE and "[Đảng]" in hit["snippet"]


def test_cli_search_syntax_error_is_a_message_not_a_traceback(db: Database, tmp_path: Path) -> None:
    result = run_cli("search", '"tuyen', db_path=tmp_path / "archive.db")
    assert result.exit_code == 2  # a usage error, as everywhere else
    assert "double quote" in result.output and "--literal" in result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, SearchSyntaxError)


def test_cli_rejects_a_bad_date_and_a_missing_archive(db: Database, tmp_path: Path) -> None:
    result = run_cli("search", "x", "--since", "2023-13", db_path=tmp_path / "archive.db")
    assert result.exit_code == 2 and "YYYY" in result.output
    result = run_cli("search", "x", db_path=tmp_path / "missing.db")
    assert result.exit_code == 2 and "does not exist" in result.output


def test_db_path_from_environment(db: Database, tmp_path: Path) -> None:
    group = click.Group("portal-archive")
    cli.register(group)
    result = CliRunner(env={cli.ARCHIVE_ENV: str(tmp_path / "archive.db")}).invoke(
        group, ["search", "dang uy", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)[0]["id"] == SEED_ID


def test_every_archive_command_is_registered_and_documented() -> None:
    group = click.Group("portal-archive")
    cli.register(group)
    assert set(group.commands) == {
        "search",
        "export",
        "export-warc",
        "serve",
        "stats",
        "bench-reading",
        "runs",
        "export-wacz",
        "show",
    }
    for name, command in group.commands.items():
        assert command.help and len(command.help) > 40, name
        options = [p for p in command.params if isinstance(p, click.Option)]
        assert "--db" in {o for p in options for o in p.opts}, name
        for option in options:
            assert option.help, (name, option.opts)
        result = CliRunner().invoke(group, [name, "--help"])
        assert result.exit_code == 0 and "--db" in result.output
