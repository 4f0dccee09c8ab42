"""Bad input loses nothing: incomplete pages are recorded with reasons, bad files get one line."""

from __future__ import annotations

import copy
import json
import re

import pytest
from click.testing import CliRunner
from crawl_helpers import run_cli, write_registry, yenbai_registry_row

from archive.db import open_archive
from portal_spider.cli import main
from portal_spider.demo.server import PortalServer
from portal_spider.demo.yenbai_site import Reply, YenBaiSite, load_demo_data

NO_DATE, NO_BODY, BROKEN = 9001, 9002, 9003


class DamagedSite(YenBaiSite):
    """The demo portal with three damaged article pages among the good ones."""

    def handle(self, target: str) -> Reply:
        reply = super().handle(target)
        match = re.search(r"ItemID=(\d+)", target)
        if not match or reply.status != 200:
            return reply
        html = reply.body.decode("utf-8")
        item_id = int(match.group(1))
        if item_id == NO_DATE:
            html = re.sub(r'<span class="news-date">[^<]*</span>', "", html)
        elif item_id == NO_BODY:
            html = re.sub(
                r'<div class="news-content ms-rtestate-field">.*?</div>', "", html, flags=re.S
            )
        elif item_id == BROKEN:
            start = html.index('<h2 class="news-title">')
            html = html[: start + 400] + "<p>Nội dung bị cắt <b><i"  # cut mid-tag, never closed
        return Reply(200, reply.content_type, html.encode("utf-8"))


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    data = load_demo_data()
    data["articles"] = data["articles"][:6]
    for item_id in (NO_DATE, NO_BODY, BROKEN):
        extra = copy.deepcopy(data["articles"][0])
        extra.update(item_id=item_id, title=f"Bài thử nghiệm {item_id}")
        data["articles"].append(extra)
    site = DamagedSite(data)
    folder = tmp_path_factory.mktemp("bad")
    with PortalServer(site) as server:
        registry = write_registry(
            folder / "portals.toml", [yenbai_registry_row("damaged", site, server.url)]
        )
        result = run_cli(
            "crawl", "damaged", "--db", str(folder / "a.db"), "--delay", "0.01", registry=registry
        )
    assert result.returncode == 0, result.stderr[-3000:]
    db = open_archive(folder / "a.db")
    return {str(row["item_id"]): row for row in db["articles"].rows}, db


@pytest.mark.crawl
def test_good_and_damaged_pages_are_all_recorded(archive):
    rows, _ = archive
    assert len(rows) == 9


@pytest.mark.crawl
def test_page_without_date_keeps_its_other_fields(archive):
    row = archive[0][str(NO_DATE)]
    assert row["status"] == "incomplete"
    assert row["published_at"] is None
    assert row["title"] == f"Bài thử nghiệm {NO_DATE}"
    assert row["body_text"]
    assert json.loads(row["problems"]) == ["published_at: no publication date found on the page"]


@pytest.mark.crawl
def test_page_without_body_is_recorded_with_a_reason(archive):
    row = archive[0][str(NO_BODY)]
    assert row["status"] == "incomplete"
    assert row["body_text"] is None
    assert row["published_at"]
    assert "body_text: no article body found on the page" in json.loads(row["problems"])


@pytest.mark.crawl
def test_broken_html_is_recorded_with_what_it_has(archive):
    row = archive[0][str(BROKEN)]
    assert row["title"] == f"Bài thử nghiệm {BROKEN}"
    assert row["status"] == "incomplete"
    assert json.loads(row["problems"])


@pytest.mark.crawl
def test_damaged_pages_keep_their_raw_capture(archive):
    rows, db = archive
    for item_id in (NO_DATE, NO_BODY, BROKEN):
        capture = db["captures"].get(rows[str(item_id)]["capture_id"])
        assert capture["http_status"] == 200
        assert capture["size"] > 0


@pytest.mark.crawl
def test_good_pages_are_complete(archive):
    rows, _ = archive
    good = [r for k, r in rows.items() if int(k) not in (NO_DATE, NO_BODY, BROKEN)]
    assert [r["status"] for r in good] == ["ok"] * 6


def test_parse_missing_file_is_one_line_error(tmp_path):
    result = CliRunner().invoke(main, ["parse", str(tmp_path / "nope.html"), "--url", "http://x/"])
    assert result.exit_code != 0
    assert result.output.strip().count("\n") == 0
    assert "no such file" in result.output


@pytest.mark.parametrize(
    "content",
    [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"just some words, no markup at all\n", b""],
    ids=["binary", "plain-text", "empty"],
)
def test_parse_non_html_file_is_one_line_error(tmp_path, content):
    path = tmp_path / "page.html"
    path.write_bytes(content)
    result = CliRunner().invoke(main, ["parse", str(path), "--url", "http://x/"])
    assert result.exit_code != 0
    assert result.output.strip().count("\n") == 0
    assert result.output.startswith("Error: ")
