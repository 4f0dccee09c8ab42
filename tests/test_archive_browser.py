"""End to end in real headless Chromium against ``portal-archive serve``: search, click through, and
no script stored from a portal ever runs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from archive_fixtures import SEED_ID, SEED_TITLE, XSS_ID, build_archive, running_server
from browser_fixtures import require_chromium

pytestmark = pytest.mark.browser
sync_api = require_chromium()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``portal-archive serve`` on 127.0.0.1 and a free port, on an archive with an XSS article."""
    folder = tmp_path_factory.mktemp("serve")
    path = folder / "archive.db"
    build_archive(path, xss=True).close()
    with running_server(path, folder / "serve.log") as base:
        yield base


def test_search_without_diacritics_and_open_the_article(server: str, page, tmp_path: Path) -> None:
    page.goto(f"{server}/archive/article_list")
    page.fill('input[name="_search"]', "tuyen giao")
    page.press('input[name="_search"]', "Enter")
    page.wait_for_url("**_search=tuyen+giao**")
    results = page.locator("table.rows-and-columns")
    sync_api.expect(results).to_contain_text(SEED_TITLE)
    page.screenshot(path=str(tmp_path / "search-results.png"), full_page=True)
    page.click(f'a[href="/-/article/{SEED_ID}"]')
    page.wait_for_url(f"**/-/article/{SEED_ID}")
    sync_api.expect(page.locator("body")).to_contain_text(SEED_TITLE)
    sync_api.expect(page.locator("body")).to_contain_text("Ban Tuyên giáo Huyện ủy")
    shot = tmp_path / "article-reader.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 1000


def test_stored_search_query_in_the_browser(server: str, page) -> None:
    page.goto(f"{server}/archive/search")
    page.fill('textarea[name="q"], input[name="q"]', "dang uy")
    page.click('input[type="submit"]')
    page.wait_for_url("**q=dang+uy**")
    sync_api.expect(page.locator("table.rows-and-columns")).to_contain_text("[Đảng]")
    sync_api.expect(page.locator("table.rows-and-columns")).to_contain_text(SEED_TITLE)
    sync_api.expect(page.locator('label[for="qp1"]')).to_have_text(
        "Words (with or without diacritics)"
    )
    assert page.locator("pre#sql-query, textarea#sql-editor").count() == 0  # hide_sql


def test_detection_works(page) -> None:
    """Control: a page that does run the payload is seen as running it."""
    page.set_content("<script>window.__xss = 1</script>")
    assert page.evaluate("window.__xss") == 1


def test_stored_scripts_never_run(server: str, page, tmp_path: Path) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    urls = [
        f"{server}/archive/articles/{XSS_ID}",
        f"{server}/archive/article_list?_search=tuyen+truyen",
        f"{server}/archive/articles?_search=tuyen+truyen",
        f"{server}/archive/search?q=tuyen+truyen",
    ]
    clicks = 0
    for url in urls:
        page.goto(url)
        page.wait_for_load_state("load")
        sync_api.expect(page.locator("body")).to_contain_text("__xss")  # the payload is shown
        assert page.locator('a[href^="javascript:"]').count() == 0, url
        assert page.locator("img[onerror]").count() == 0, url
        payload_cells = page.locator("td", has_text="javascript:window.__xss")
        clicked = min(payload_cells.count(), 3)
        for i in range(clicked):  # the javascript: "links" are text: clicking them does nothing
            payload_cells.nth(i).click()
        clicks += clicked
        assert page.evaluate("typeof window.__xss") == "undefined", url
    page.goto(f"{server}/archive/articles/{XSS_ID}")
    page.screenshot(path=str(tmp_path / "xss-row.png"), full_page=True)
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert dialogs == []
    assert clicks >= 3


def test_stored_query_labels_and_default_columns_without_javascript(
    server: str, browser, tmp_path: Path
) -> None:
    """The labels of a stored query's parameters and a table's default columns come from the
    server: a browser with JavaScript off shows them."""
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000}, java_script_enabled=False
    )
    page = context.new_page()
    try:
        page.goto(f"{server}/archive/search?q=dang+uy")
        sync_api.expect(page.locator('label[for="qp1"]')).to_have_text(
            "Words (with or without diacritics)"
        )
        sync_api.expect(page.locator('label[for="qp2"]')).to_have_text(
            "Portal (slug, e.g. tramtau)"
        )
        sync_api.expect(page.locator("table.rows-and-columns")).to_contain_text(SEED_TITLE)
        page.screenshot(path=str(tmp_path / "stored-query-no-js.png"), full_page=True)
        page.goto(f"{server}/archive/article_list")
        header = page.locator("table.rows-and-columns thead")
        sync_api.expect(header).to_contain_text("title")
        for column in ("portal_name", "province", "level", "year", "month"):
            assert page.locator(f"th.col-{column}").count() == 0, column
        sync_api.expect(page.locator("#facet-month")).to_be_visible()  # facets keep them
        page.click("text=Hiện mọi cột")
        page.wait_for_url("**_allcols=1**")
        for column in ("portal_name", "province", "level", "year", "month"):
            sync_api.expect(page.locator(f"th.col-{column}")).to_have_count(1)
    finally:
        context.close()
