"""The reading room's pages through datasette's own client: what the reader, the archived copy and
the portal page show, and that nothing stored from a portal becomes live markup or a live link."""

from __future__ import annotations

import asyncio
import html
import re
from pathlib import Path
from typing import Any

import pytest
from archive_fixtures import (
    LINKED_ID,
    SEED_CAPTURE_URL,
    SEED_ID,
    SEED_TITLE,
    XSS_ID,
    build_archive,
)
from datasette.app import Datasette
from reliability_figures import record

from archive.serve import build_datasette


@pytest.fixture(scope="module")
def ds(tmp_path_factory: pytest.TempPathFactory) -> Datasette:
    path = tmp_path_factory.mktemp("reading") / "archive.db"
    build_archive(path, xss=True, captures=True).close()
    return build_datasette(path)


def fetch(ds: Datasette, path: str, status: int = 200) -> Any:
    response = asyncio.run(ds.client.get(path))
    assert response.status_code == status, (path, response.status_code, response.text[:300])
    return response


def test_reader_page_shows_the_article_in_vietnamese_form(ds: Datasette) -> None:
    page = fetch(ds, f"/-/article/{SEED_ID}").text
    assert f"<h1>{html.escape(SEED_TITLE, quote=False)}</h1>" in page
    assert '<span class="published">14/07/2023 08:00</span>' in page
    assert "4.829 lượt xem" in page
    assert '<p class="source-line">Nguồn: Ban Tuyên giáo Huyện ủy</p>' in page
    assert "<p>Chiều ngày 12/7, Ban Tuyên giáo Huyện ủy Trạm Tấu" in page
    assert page.count("<p>Hội nghị đánh giá kết quả") == 1
    assert 'href="/-/capture/1"' in page and 'href="/-/portal/tramtau"' in page
    assert '<img src="/-/capture/2/raw" alt="Quang cảnh hội nghị">' in page  # from the archive
    assert page.count('class="point"') == 3  # one dot per view-count reading


def test_reader_page_diffs_versions_word_by_word(ds: Datasette) -> None:
    page = fetch(ds, f"/-/article/{SEED_ID}").text
    title_diff = re.search(r'<p class="diff title-diff">(.*?)</p>', page).group(1)
    assert title_diff == (
        "Hội nghị sơ kết công tác tuyên <del>giáo</del> <ins>giáo, Ban Chỉ đạo 35 huyện</ins>"
        " 6 tháng đầu năm 2023"
    )
    assert "<ins><br> <br> Hội nghị đánh giá" in page


@pytest.mark.reliability
def test_reader_page_renders_no_stored_markup(ds: Datasette) -> None:
    page = fetch(ds, f"/-/article/{XSS_ID}").text
    record("hostile_inputs", 5)
    body = page[page.index('<article class="reading">') : page.index("</article>")]
    assert "<script" not in body and "<img src=x" not in body and 'href="javascript:' not in body
    assert "&lt;script&gt;window.__xss=4&lt;/script&gt;" in body  # the title, as text
    assert "Bài thử nghiệm tuyên truyền." in body
    assert '<a class="link-not-archived"' in body  # the javascript: link is disabled
    assert (
        fetch(ds, f"/-/article/{XSS_ID}")
        .headers["content-security-policy"]
        .startswith("default-src 'self'")
    )


def test_capture_is_sandboxed_with_links_into_the_archive(ds: Datasette) -> None:
    response = fetch(ds, "/-/capture/1")
    policy = response.headers["content-security-policy"]
    assert policy.split(";")[0] == "sandbox" and "allow-scripts" not in policy
    assert "default-src 'none'" in policy
    page = response.text
    assert "chụp lúc 20/06/2025 10:00" in page and f"<code>{SEED_CAPTURE_URL}</code>" in page
    assert "Nguồn: Ban Tuyên giáo Huyện ủy" in page  # the captured page itself
    assert f'href="/-/article/{LINKED_ID}"' in page  # an archived article it links to
    assert 'src="/-/capture/2/raw"' in page  # its photo, from the archive
    hrefs = re.findall(r'(?:href|src|action)="([^"]*)"', page)
    assert hrefs and all(h.startswith(("/", "data:")) for h in hrefs), hrefs
    assert 'data-archive-disabled="/Pages/gioi-thieu.aspx"' in page


def test_raw_capture_serves_images_only(ds: Datasette) -> None:
    image = fetch(ds, "/-/capture/2/raw")
    assert image.headers["content-type"] == "image/png" and image.content[:4] == b"\x89PNG"
    assert fetch(ds, "/-/capture/1/raw", status=404).headers["content-type"].startswith("text/")
    assert "<img" in fetch(ds, "/-/capture/2").text


def test_portal_page_summarises_the_portal(ds: Datasette) -> None:
    page = fetch(ds, "/-/portal/tramtau").text
    assert '<td class="article-count">3</td>' in page
    assert page.count('class="bar"') == 24  # 2023-07 to 2025-06, empty months too
    assert page.count('height="0.0"') == 21
    assert "<title>07/2023: 1</title>" in page
    assert "20/06/2025 09:00 · ok" in page  # the last crawl and how it ended
    assert f'href="/-/article/{SEED_ID}"' in page


def test_unknown_pages_are_404(ds: Datasette) -> None:
    fetch(ds, "/-/article/no-such-article", status=404)
    fetch(ds, "/-/portal/nowhere", status=404)
    fetch(ds, "/-/capture/999", status=404)


def test_tables_link_to_the_reading_room(ds: Datasette) -> None:
    articles = fetch(ds, "/archive/articles?_sort=id").text
    assert '<a href="/-/capture/1">1</a>' in articles
    assert '<a href="/-/portal/tramtau">Cổng thông tin điện tử huyện Trạm Tấu</a>' in articles
    assert f'<span class="live-url">{SEED_CAPTURE_URL}</span>' in articles  # not a live link
    assert f'<a href="/-/article/{SEED_ID}">' in fetch(ds, "/archive/article_list").text
    assert (
        f'<a href="/-/article/{SEED_ID}">Đọc bài này</a>'
        in fetch(ds, f"/archive/articles/{SEED_ID}").text
    )
    portals = fetch(ds, "/archive/portals").text
    assert '<a href="/-/portal/tramtau">Cổng thông tin điện tử huyện Trạm Tấu</a>' in portals
    assert '<a href="/-/portal/tramtau">' in fetch(ds, "/archive/portals/tramtau").text
    captures = fetch(ds, "/archive/captures").text
    assert "blob-download" not in captures and '<a href="/-/capture/2">Bản lưu (' in captures


def test_reader_page_of_an_id_needing_quoting(ds: Datasette, tmp_path: Path) -> None:
    del tmp_path
    fetch(ds, "/-/article/" + "tramtau%2Fno%20such", status=404)


def test_search_page_ranks_with_snippets_and_downloads(ds: Datasette) -> None:
    page = fetch(ds, "/-/search?q=tuyen+giao").text
    first = page.index('<li class="hit">')
    assert f'href="/-/article/{SEED_ID}"' in page[first : first + 400]
    assert "Ban <mark>Tuyên</mark> <mark>giáo</mark> Huyện ủy" in page
    assert "khớp ở: tiêu đề, nội dung, nguồn" in page
    rows = fetch(ds, "/-/search.csv?q=tuyen+giao").text.splitlines()
    assert rows[0].startswith("rank,id,title,") and rows[1].startswith(f"1,{SEED_ID},")
    hits = fetch(ds, "/-/search.json?q=tuyen+giao&exact=1").json()
    assert hits == []  # exact: "tuyen giao" without diacritics is not in the archive
    hits = fetch(ds, "/-/search.json?q=tuy%C3%AAn+gi%C3%A1o&exact=1").json()
    assert [hit["id"] for hit in hits] == [SEED_ID]
    assert hits[0]["matched"] == ["title", "body_text", "source"]


@pytest.mark.reliability
def test_search_page_explains_bad_input(ds: Datasette) -> None:
    cases = {
        "/-/search?q=%22tuyen+giao": "a double quote is opened but never closed",
        "/-/search?q=tuyen&portal=tramtao": "Không có cổng 'tramtao'",
        "/-/search?q=tuyen&since=2023-13": "is not a date",
        "/-/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E+AND": "not valid",
    }
    record("hostile_inputs", len(cases))
    for path, message in cases.items():
        page = fetch(ds, path, status=400).text
        error = re.search(r'<p class="search-error" role="alert">(.*?)</p>', page, re.S)
        assert error and message in html.unescape(error.group(1)), (path, page[-800:])
        assert "<script>alert" not in page
    assert fetch(ds, "/-/search.json?q=%22x", status=400).json()["ok"] is False


def test_month_facet_in_date_order(ds: Datasette) -> None:
    page = fetch(ds, "/archive/article_list").text
    facet = page[page.index('id="facet-month"') :]
    facet = facet[: facet.index("</ul>")]
    months = re.findall(r">(\d{4}-\d{2})</a>", facet)
    assert months == ["2025-06", "2024-03", "2023-09", "2023-08", "2023-07"]
    assert "2023-07</a> 2" in facet  # two articles in July 2023, listed after later months


def test_tables_show_dates_in_vietnamese_form(ds: Datasette) -> None:
    page = fetch(ds, "/archive/article_list?_sort=id").text
    assert '<time datetime="2023-07-14T08:00:02+07:00">14/07/2023 08:00</time>' in page
    data = fetch(ds, f"/archive/articles/{SEED_ID}.json").json()
    assert "2023-07-14T08:00:02+07:00" in str(data["rows"])  # the data keeps ISO 8601
