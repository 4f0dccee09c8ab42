"""No parse error loses an article: the record keeps what could be read, the page its capture.

At the server: a comment-only article page ("Document is empty" to lxml) is stored as an
incomplete record with its raw capture, stays in ``pending_articles``, is fetched again by the
next run and stored whole once the portal serves it; a run that lost it does not say ok (exit 1).
An article with control characters after its ``<br>`` keeps its title and body, and a
windows-1258 page labelled UTF-8 keeps its Vietnamese. Without a server: a failing field extractor
loses that field only, a failing page object falls back to the generic rules, truncated pages keep
what they have, and every fixture page under ten kinds of damage parses without an exception.
"""

from __future__ import annotations

import copy
import json
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from charset_samples import to_cp1258
from click.testing import CliRunner
from crawl_helpers import write_registry, yenbai_registry_row
from crawl_machinery import crawl
from hostile_profiles import FULL
from page_mutations import MUTATIONS, mutated
from reliability_figures import record

from archive.db import open_archive
from archive.store import ArchiveStore, Capture
from portal_spider.cli import main
from portal_spider.crawl.safe_parse import parse_article_safely
from portal_spider.demo.generate import VN_TZ
from portal_spider.demo.server import PortalServer
from portal_spider.demo.yenbai_site import Reply, YenBaiSite, load_demo_data
from portal_spider.extraction.html_tree import EmptyPage
from portal_spider.offline.fixtures import find_cases
from portal_spider.offline.parse import choose_platform, parse_page
from portal_spider.platforms.yenbai import YenBaiPlatform

COMMENT_ONLY, CONTROLS, WINDOWS_1258, UTF16 = 9101, 9102, 9103, 9104
PUBLISHED = datetime(2025, 3, 3, 8, 30, tzinfo=VN_TZ)
NOW = PUBLISHED + timedelta(days=2)  # the one-day revisit has passed; the next is due at 7 days
LATER = NOW + timedelta(days=8)
COMMENT_PAGE = b"<!-- bai viet dang duoc cap nhat -->\n<!-- cms: node 9101 -->\n"
SEEN = "2025-01-01T00:00:00+00:00"
TITLE_PAGE = (
    "<html><head><title>Hội nghị sơ kết công tác tuyên giáo</title></head><body><article>"
    "<h1>Hội nghị sơ kết công tác tuyên giáo</h1><p>Ngày 12/7/2023, Ban Tuyên giáo Huyện ủy tổ "
    "chức hội nghị sơ kết công tác tuyên giáo 6 tháng đầu năm, triển khai nhiệm vụ những tháng "
    "cuối năm. Dự hội nghị có các đồng chí lãnh đạo huyện và cán bộ các xã.</p></article>"
    "</body></html>"
)
CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
CASES = find_cases(Path(__file__).parent / "fixtures" / "pages")
# the full run: 45 pages x 10 mutations x 8 seeds = 3,600 damaged pages; else 9 x 10 x 1
MUTATED_CASES = CASES if FULL else CASES[::5]
SEEDS = 8 if FULL else 1


class HostileArticlesSite(YenBaiSite):
    """The demo portal with a comment-only page, control characters, and a mislabelled page."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.comment_only = True

    def handle(self, target: str) -> Reply:
        reply = super().handle(target)
        match = re.search(r"ItemID=(\d+)", target)
        if not match or reply.status != 200:
            return reply
        item_id = int(match.group(1))
        html = reply.body.decode("utf-8")
        if item_id == COMMENT_ONLY and self.comment_only:
            return Reply(200, reply.content_type, COMMENT_PAGE)
        if item_id == CONTROLS:
            html = html.replace("</p>", "<br>\x00\x01 \x08</p>").replace(
                '<h2 class="news-title">', '<h2 class="news-title">\x07'
            )
            return Reply(200, reply.content_type, html.encode("utf-8"))
        if item_id == WINDOWS_1258:
            return Reply(200, "text/html; charset=utf-8", to_cp1258(html))
        if item_id == UTF16:
            return Reply(200, "text/html", html.encode("utf-16"))  # with its byte order mark
        return reply


def crawl_at(now: datetime, site: HostileArticlesSite, folder: Path, server: PortalServer):
    registry = write_registry(
        folder / "portals.toml", [yenbai_registry_row("hostile", site, server.url)]
    )
    return crawl(
        "hostile", "--db", str(folder / "a.db"), "--delay", "0.01", registry=registry, now=now
    )


def article_requests(server: PortalServer, item_id: int) -> int:
    return server.log.count(lambda t: f"ItemID={item_id}&" in t or t.endswith(f"ItemID={item_id}"))


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Four crawls: the page comment-only twice, then served whole, then comment-only again when
    its revisit is due eight days later; the archive after each."""
    data = load_demo_data()
    data["articles"] = data["articles"][:4]
    titles = {}
    for item_id in (COMMENT_ONLY, CONTROLS, WINDOWS_1258, UTF16):
        extra = copy.deepcopy(data["articles"][0])
        extra.update(
            item_id=item_id,
            title=f"Hội nghị thử nghiệm số {item_id} của Đảng ủy xã",
            published_raw=PUBLISHED.strftime("%d/%m/%Y %H:%M:%S SA"),
            published_at=PUBLISHED.isoformat(),
        )
        data["articles"].append(extra)
        titles[item_id] = extra["title"]
    site = HostileArticlesSite(data)
    folder = tmp_path_factory.mktemp("parse-errors")
    seen = []
    with PortalServer(site) as server:
        for comment_only, now in ((True, NOW), (True, NOW), (False, NOW), (True, LATER)):
            site.comment_only = comment_only
            server.log.clear()
            result = crawl_at(now, site, folder, server)
            db = open_archive(folder / "a.db")
            rows = {str(row["item_id"]): row for row in db["articles"].rows}
            pending = {row["article_id"]: row for row in db["pending_articles"].rows}
            run = next(db.query("select * from crawl_runs order by id desc limit 1"))
            seen.append(
                {
                    "result": result,
                    "rows": rows,
                    "pending": pending,
                    "run": run,
                    "fetches": article_requests(server, COMMENT_ONLY),
                    "db": db,
                }
            )
    record("faults_injected", 4)
    return {"runs": seen, "titles": titles, "site": site}


@pytest.mark.crawl
@pytest.mark.reliability
def test_comment_only_page_is_kept_pending_with_its_capture(runs):
    first = runs["runs"][0]
    assert first["result"].returncode == 1, first["result"].stdout + first["result"].stderr[-3000:]
    row = first["rows"][str(COMMENT_ONLY)]
    assert row["status"] == "incomplete"
    assert row["title"] is None and row["body_text"] is None
    assert any(p.startswith("parse: the page has no content") for p in json.loads(row["problems"]))
    capture = first["db"]["captures"].get(row["capture_id"])
    assert capture["size"] == len(COMMENT_PAGE)
    assert capture["http_status"] == 200
    pending = first["pending"][row["id"]]
    assert pending["attempts"] == 1
    assert "no content" in pending["last_error"]
    assert first["run"]["status"] == "partial"
    assert first["run"]["pages_failed"] == 1
    record("faults_survived")


@pytest.mark.crawl
@pytest.mark.reliability
def test_next_run_fetches_the_page_again_and_counts_the_attempt(runs):
    second = runs["runs"][1]
    assert second["result"].returncode == 1
    assert second["fetches"] == 1
    aid = second["rows"][str(COMMENT_ONLY)]["id"]
    assert second["pending"][aid]["attempts"] == 2
    assert second["run"]["status"] == "partial"


@pytest.mark.crawl
@pytest.mark.reliability
def test_page_served_whole_again_is_stored_and_no_longer_pending(runs):
    third = runs["runs"][2]
    assert third["result"].returncode == 0, third["result"].stderr[-3000:]
    row = third["rows"][str(COMMENT_ONLY)]
    assert row["title"] == runs["titles"][COMMENT_ONLY]
    assert row["status"] == "ok"
    assert row["body_text"]
    assert third["pending"] == {}
    assert third["run"]["status"] == "ok"


@pytest.mark.crawl
@pytest.mark.reliability
def test_archived_article_is_not_replaced_by_an_empty_page(runs):
    stored, fourth = runs["runs"][2], runs["runs"][3]
    assert fourth["fetches"] == 1  # its revisit was due
    assert fourth["result"].returncode == 1
    row = fourth["rows"][str(COMMENT_ONLY)]
    kept = stored["rows"][str(COMMENT_ONLY)]
    assert (row["title"], row["body_text"], row["version"], row["capture_id"]) == (
        kept["title"],
        kept["body_text"],
        kept["version"],
        kept["capture_id"],
    )
    assert fourth["pending"][row["id"]]["attempts"] == 1
    assert fourth["run"]["status"] == "partial"
    record("faults_injected")
    record("faults_survived")
    record("rows_lost", 0)


@pytest.mark.crawl
@pytest.mark.reliability
def test_control_characters_after_br_keep_title_and_body(runs):
    row = runs["runs"][0]["rows"][str(CONTROLS)]
    assert row["title"] == runs["titles"][CONTROLS]
    assert row["body_text"] and len(row["body_text"]) > 200
    for name in ("title", "body_text", "body_html", "source", "author", "category"):
        assert not CONTROL_CHARS.search(row[name] or ""), name
    assert row["status"] == "ok", row["problems"]
    record("faults_survived")


@pytest.mark.crawl
@pytest.mark.reliability
@pytest.mark.parametrize("item_id", [WINDOWS_1258, UTF16], ids=["windows-1258 as utf-8", "utf-16"])
def test_page_in_another_charset_keeps_its_vietnamese(runs, item_id):
    row = runs["runs"][0]["rows"][str(item_id)]
    assert row["title"] == runs["titles"][item_id]
    good = runs["runs"][0]["rows"][str(CONTROLS)]
    assert row["body_text"] == good["body_text"]
    assert row["status"] == "ok", row["problems"]
    record("faults_survived")


# --- without a server ---------------------------------------------------------------------------
class ViewsFailPlatform(YenBaiPlatform):
    """The Yên Bái page object with a view counter rule that fails on every page."""

    def _views(self, item, block) -> None:
        raise IndexError("list index out of range")


class FailingPlatform(YenBaiPlatform):
    """A page object that fails as a whole."""

    name = "yenbai"

    def parse_article(self, url: str, html: str):
        raise KeyError("ctl00_PlaceHolderMain")


def yenbai_case():
    return next(c for c in CASES if c.path.parent.name == "yenbai")


def test_a_failing_field_extractor_loses_that_field_only():
    case = yenbai_case()
    clean = parse_page(case.html, case.url, use_registry=False)
    item = parse_article_safely(ViewsFailPlatform(), case.url, case.html)
    assert item.title == clean.title
    assert item.body_text == clean.body_text and item.body_text
    assert item.published_raw == clean.published_raw
    assert "views: extraction failed (IndexError: list index out of range)" in item.problems


def test_a_failing_page_object_falls_back_to_the_generic_rules():
    case = yenbai_case()
    clean = parse_page(case.html, case.url, use_registry=False)
    item = parse_article_safely(FailingPlatform(), case.url, case.html)
    assert item.title == clean.title
    assert item.body_text
    assert item.refetch_reason is None
    assert any(
        p.startswith("parse: the yenbai page object failed (KeyError") for p in item.problems
    )


@pytest.mark.parametrize("content", [COMMENT_PAGE.decode(), "  \n\t ", "<!DOCTYPE html>"])
def test_page_with_nothing_to_parse_is_recorded_to_be_fetched_again(content):
    item = parse_page(content, "https://xa.example.gov.vn/tin-tuc/1.html", use_registry=False)
    assert item.refetch_reason
    assert item.title is None
    assert any(p.startswith("parse: the page has no content") for p in item.problems)


def test_parse_command_prints_a_record_for_a_comment_only_page(tmp_path):
    path = tmp_path / "page.html"
    path.write_bytes(b"<!-- <html><body>nothing here</body></html> -->")
    result = CliRunner().invoke(main, ["parse", str(path), "--url", "https://x.gov.vn/?p=1"])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert any(p.startswith("parse: ") for p in json.loads(result.stdout)["problems"])


@pytest.mark.parametrize("cut", [0.35, 0.6, 0.8, 0.95])
def test_truncated_wordpress_page_keeps_its_title_and_body(cut):
    for case in (c for c in CASES if c.path.parent.name == "wordpress"):
        clean = parse_page(case.html, case.url, use_registry=False)
        start = case.html.find(clean.body_text.split()[0])
        end = start + int((len(case.html) - start) * cut)
        item = parse_page(case.html[:end], case.url, use_registry=False)
        assert item.title == clean.title, case.name
        assert item.body_text and item.body_text.split()[0] == clean.body_text.split()[0]
        assert not [p for p in item.problems if p.startswith("parse:")]


@pytest.mark.reliability
@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_damaged_fixture_pages_never_crash_a_page_object(mutation):
    crashes, field_failures, tried = [], [], 0
    for index, case in enumerate(MUTATED_CASES):
        for seed in range(SEEDS):
            html = mutated(case.html, mutation, seed * 1000 + index)
            tried += 1
            platform = choose_platform(case.url, html)
            try:
                item = platform.parse_article(case.url, html)
            except EmptyPage:
                # nothing to parse: the path the crawler and `parse` take records it to refetch
                assert parse_page(html, case.url, use_registry=False).refetch_reason
                continue
            except Exception as error:  # what this test exists to find
                crashes.append(f"{case.name} seed {seed}: {type(error).__name__}: {error}")
                continue
            field_failures += [p for p in item.problems if "extraction failed" in p]
    record("hostile_inputs", tried, kind="mutated fixture page", mutation=mutation)
    record("crashes", len(crashes), kind="mutated fixture page", mutation=mutation)
    record("field_failures", len(field_failures), mutation=mutation)
    assert crashes == []
    assert field_failures == []


@pytest.mark.parametrize(
    ("body", "content_type", "expected_title"),
    [
        (COMMENT_PAGE, "text/html; charset=utf-8", None),
        (to_cp1258(TITLE_PAGE), "text/html; charset=utf-8", "Hội nghị sơ kết công tác tuyên giáo"),
    ],
    ids=["comment-only", "windows-1258 labelled utf-8"],
)
def test_reparse_reads_captures_like_the_crawl(tmp_path, body, content_type, expected_title):
    path = tmp_path / "archive.db"
    store = ArchiveStore(open_archive(path))
    store.upsert_portal({"slug": "xa", "name": "Xã", "platform": "generic"})
    url = "https://xa.example.gov.vn/tin-tuc/hoi-nghi-123.html"
    capture = Capture("xa", None, url, body, 200, {"Content-Type": content_type}, SEEN)
    record = {"url": url, "portal": "xa", "canonical_url": url, "title": "cũ", "fetched_at": SEEN}
    store.save_fetched(record, capture)
    result = CliRunner().invoke(main, ["reparse", "--db", str(path)])
    assert result.exit_code == 0, result.output
    row = next(open_archive(path)["articles"].rows)
    assert row["title"] == expected_title
    if expected_title is None:
        assert row["status"] == "incomplete"
        assert any(
            p.startswith("parse: the page has no content") for p in json.loads(row["problems"])
        )
