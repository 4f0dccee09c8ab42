"""The reading room in real headless Chromium at 1400x1000 against ``portal-archive serve``: the
reader page reads on the first screen, the archived copy is the captured page in a sandbox where
no planted script runs and nothing is fetched from the live site, the portal page draws its chart.
Screenshots are saved in each test's tmp dir."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from archive_fixtures import LINKED_ID, SEED_ID, SEED_TITLE, build_archive, running_server
from browser_fixtures import VIEWPORT, require_chromium
from reliability_figures import record

pytestmark = pytest.mark.browser
sync_api = require_chromium()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``portal-archive serve`` on an archive holding the seed article's captured page."""
    folder = tmp_path_factory.mktemp("reader")
    path = folder / "archive.db"
    build_archive(path, xss=True, captures=True).close()
    with running_server(path, folder / "serve.log") as base:
        yield base


def requests_seen(page) -> list[str]:
    """Every URL the page requests from now on."""
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    return urls


def within_first_screen(locator) -> bool:
    box = locator.bounding_box()
    return (
        box is not None
        and box["y"] >= 0
        and box["y"] + box["height"] <= VIEWPORT["height"]
        and box["x"] + box["width"] <= VIEWPORT["width"]
    )


def test_reader_page_reads_on_the_first_screen(server: str, page, tmp_path: Path) -> None:
    urls = requests_seen(page)
    page.goto(f"{server}/-/article/{SEED_ID}")
    page.screenshot(path=str(tmp_path / "reader-first-screen.png"))
    page.screenshot(path=str(tmp_path / "reader-full.png"), full_page=True)
    heading = page.locator("article h1")
    sync_api.expect(heading).to_have_text(SEED_TITLE)
    paragraphs = page.locator("article .article-body p")
    assert paragraphs.count() == 2
    source = page.locator("article .source-line")
    sync_api.expect(source).to_have_text("Nguồn: Ban Tuyên giáo Huyện ủy")
    for element in [heading, paragraphs.nth(0), paragraphs.nth(1), source]:
        assert within_first_screen(element), element
    assert paragraphs.nth(0).bounding_box()["width"] > 500  # a readable column, not a sliver
    sync_api.expect(page.locator("article .meta")).to_contain_text("14/07/2023 08:00")
    sync_api.expect(page.locator("article .capture-link")).to_have_text(
        "Bản lưu (trang như đã lưu)"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORT["width"]
    assert urls and all(url.startswith(server) for url in urls), urls


@pytest.mark.reliability
def test_archived_copy_runs_no_planted_script(server: str, page, tmp_path: Path) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    urls = requests_seen(page)
    page.goto(f"{server}/-/article/{SEED_ID}")
    with page.expect_navigation():
        page.click("article .capture-link")
    response = page.wait_for_load_state("load")
    response = page.request.get(page.url)
    policy = response.headers["content-security-policy"]
    assert policy.split(";")[0] == "sandbox" and "allow-scripts" not in policy
    page.screenshot(path=str(tmp_path / "capture.png"))
    banner = page.locator("#portal-archive-banner")
    sync_api.expect(banner).to_contain_text("chụp lúc 20/06/2025 10:00")
    assert within_first_screen(banner)
    sync_api.expect(page.locator(".news-source")).to_have_text("Nguồn: Ban Tuyên giáo Huyện ủy")
    assert page.locator("img[src='/-/capture/2/raw']").evaluate("img => img.naturalWidth") == 8
    page.click("#planted")
    record("hostile_inputs", 3)  # inline script, onerror handler, onclick handler
    assert page.evaluate("typeof window.__planted") == "undefined"
    assert page.title() != "SCRIPT RAN" and dialogs == []
    assert all(url.startswith(server) for url in urls), [
        u for u in urls if not u.startswith(server)
    ]
    with page.expect_navigation():
        page.click(f'a[href="/-/article/{LINKED_ID}"] >> nth=0')
    assert page.url == f"{server}/-/article/{LINKED_ID}"


def test_planted_script_would_run_without_the_sandbox(server: str, page) -> None:
    """Control: the same HTML outside the sandbox does run the planted script."""
    with urllib.request.urlopen(f"{server}/-/capture/1", timeout=10) as response:
        html = response.read().decode("utf-8")
    page.set_content(html)
    assert page.evaluate("window.__planted") in (1, 2)


def test_portal_page_draws_the_monthly_chart(server: str, page, tmp_path: Path) -> None:
    page.goto(f"{server}/-/portal/tramtau")
    page.screenshot(path=str(tmp_path / "portal.png"), full_page=True)
    chart = page.locator("section.months svg.archive-chart")
    sync_api.expect(chart).to_be_visible()
    bars = chart.locator("rect.bar")
    assert bars.count() == 24  # 07/2023 to 06/2025
    heights = [bars.nth(i).get_attribute("height") for i in (0, 2, 23)]
    assert all(float(height) > 50 for height in heights), heights  # one article each
    assert bars.nth(1).get_attribute("height") == "0.0"  # 08/2023: none
    sync_api.expect(page.locator("td.article-count")).to_have_text("3")


def test_search_from_the_start_page_ranks_the_seed_first(server: str, page, tmp_path: Path) -> None:
    page.goto(f"{server}/")
    page.fill("#start-q", "tuyen giao")
    with page.expect_navigation():
        page.press("#start-q", "Enter")
    page.screenshot(path=str(tmp_path / "search.png"))
    first = page.locator("ol.hits li.hit").first
    sync_api.expect(first.locator(".title a")).to_have_attribute("href", f"/-/article/{SEED_ID}")
    sync_api.expect(first.locator(".title")).to_have_text(SEED_TITLE)
    snippet = first.locator(".snippet")
    sync_api.expect(snippet).to_contain_text("Ban Tuyên giáo Huyện ủy Trạm Tấu")
    assert snippet.locator("mark").count() >= 2
    sync_api.expect(first.locator(".matched")).to_have_text("khớp ở: tiêu đề, nội dung, nguồn")
    assert within_first_screen(first)
    with page.expect_navigation():
        first.locator(".title a").click()
    sync_api.expect(page.locator("article .source-line")).to_be_visible()


def test_malformed_query_shows_a_message(server: str, page, tmp_path: Path) -> None:
    page.goto(f"{server}/-/search")
    page.fill("#search-q", '"tuyen giao')
    with page.expect_navigation():
        page.press("#search-q", "Enter")
    page.screenshot(path=str(tmp_path / "malformed.png"))
    message = page.locator(".search-error")
    sync_api.expect(message).to_contain_text("a double quote is opened but never closed")
    assert within_first_screen(message)
    assert page.locator("ol.hits").count() == 0
