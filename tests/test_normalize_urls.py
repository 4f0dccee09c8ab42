"""Table tests for portal_spider.normalize.urls (canonical URLs, hosts, link resolution)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from portal_spider.normalize.urls import absolute_url, canonical_url, host_of, same_site

BASE = "https://tramtau.yenbai.gov.vn/"
ARTICLE = "/noidung/tintuc/Pages/chi-tiet-tin-tuc.aspx"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTP://Example.COM/Path/File.aspx", "http://example.com/Path/File.aspx"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("https://example.com:80/a", "https://example.com:80/a"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com?b=1", "https://example.com/?b=1"),
        ("https://example.com/a#section-2", "https://example.com/a"),
        ("https://example.com/a?b=2&a=1", "https://example.com/a?a=1&b=2"),
        ("https://example.com/a?b=2&a=3&a=1", "https://example.com/a?a=1&a=3&b=2"),
        ("https://example.com/a?b=&a=1", "https://example.com/a?a=1&b="),
        ("https://example.com/a?utm_source=fb&utm_medium=x&id=5", "https://example.com/a?id=5"),
        ("https://example.com/a?id=5&fbclid=abc&gclid=def", "https://example.com/a?id=5"),
        ("https://example.com/a?zarsrc=31&_ga=1.2&id=5", "https://example.com/a?id=5"),
        ("https://example.com/a?mc_cid=1&mc_eid=2&id=5", "https://example.com/a?id=5"),
        ("https://example.com/a?UTM_Campaign=x&id=5", "https://example.com/a?id=5"),
        ("https://example.com/a?utm_source=fb", "https://example.com/a"),
        ("https://example.com/%7Euser/T%e1%bb%a9c", "https://example.com/~user/T%E1%BB%A9c"),
        (
            "https://example.com/tin tức?q=tuyên giáo",
            "https://example.com/tin%20t%E1%BB%A9c?q=tuy%C3%AAn+gi%C3%A1o",
        ),
        ("  https://example.com/a  ", "https://example.com/a"),
        # Without base_url, www. is kept.
        ("http://www.tramtau.yenbai.gov.vn/x", "http://www.tramtau.yenbai.gov.vn/x"),
        (
            f"https://tramtau.yenbai.gov.vn{ARTICLE}?l=TinTuc&ItemID=123",
            f"https://tramtau.yenbai.gov.vn{ARTICLE}?ItemID=123&l=TinTuc",
        ),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


@pytest.mark.parametrize(
    ("url", "base_url", "expected"),
    [
        ("http://www.tramtau.yenbai.gov.vn/x", BASE, "https://tramtau.yenbai.gov.vn/x"),
        ("https://tramtau.yenbai.gov.vn/x", BASE, "https://tramtau.yenbai.gov.vn/x"),
        ("HTTP://WWW.TRAMTAU.YENBAI.GOV.VN:80/x#top", BASE, "https://tramtau.yenbai.gov.vn/x"),
        (
            "https://tramtau.yenbai.gov.vn/x",
            "http://www.tramtau.yenbai.gov.vn/",
            "http://www.tramtau.yenbai.gov.vn/x",
        ),
        (
            f"http://www.tramtau.yenbai.gov.vn{ARTICLE}?ItemID=123&l=TinTuc&utm_source=zalo",
            BASE,
            f"https://tramtau.yenbai.gov.vn{ARTICLE}?ItemID=123&l=TinTuc",
        ),
        # Relative URLs are resolved against the base.
        (
            f"{ARTICLE}?l=TinTuc&ItemID=7",
            BASE,
            f"https://tramtau.yenbai.gov.vn{ARTICLE}?ItemID=7&l=TinTuc",
        ),
        # Other hosts, including sibling portals and the province, keep their own scheme/host.
        ("http://www.yenbai.gov.vn/x", BASE, "http://www.yenbai.gov.vn/x"),
        ("http://mucangchai.yenbai.gov.vn/x", BASE, "http://mucangchai.yenbai.gov.vn/x"),
        ("http://dongcuong.vanyen.yenbai.gov.vn/", BASE, "http://dongcuong.vanyen.yenbai.gov.vn/"),
        # Same host on an unusual port is a different server: left alone.
        ("http://tramtau.yenbai.gov.vn:8080/x", BASE, "http://tramtau.yenbai.gov.vn:8080/x"),
    ],
)
def test_canonical_url_with_base(url: str, base_url: str, expected: str) -> None:
    assert canonical_url(url, base_url=base_url) == expected


@pytest.mark.parametrize(
    ("url", "drop_params", "expected"),
    [
        (f"{BASE}{ARTICLE[1:]}?ItemID=5&l=A&page=2", ["page"], f"{BASE}{ARTICLE[1:]}?ItemID=5&l=A"),
        (f"{BASE}a?ItemID=5&SessionId=9", ["sessionid"], f"{BASE}a?ItemID=5"),
        (f"{BASE}a?ItemID=5&l=A", [], f"{BASE}a?ItemID=5&l=A"),
    ],
)
def test_canonical_url_drop_params(url: str, drop_params: list[str], expected: str) -> None:
    assert canonical_url(url, drop_params=drop_params) == expected


def test_canonical_url_variants_collapse_to_one() -> None:
    variants = [
        f"http://www.tramtau.yenbai.gov.vn{ARTICLE}?ItemID=123&l=TinTuc",
        f"https://tramtau.yenbai.gov.vn{ARTICLE}?l=TinTuc&ItemID=123#comments",
        f"HTTPS://TRAMTAU.yenbai.gov.vn:443{ARTICLE}?l=TinTuc&ItemID=123&fbclid=x",
    ]
    assert {canonical_url(v, base_url=BASE) for v in variants} == {
        f"https://tramtau.yenbai.gov.vn{ARTICLE}?ItemID=123&l=TinTuc"
    }


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://tramtau.yenbai.gov.vn/x", "tramtau.yenbai.gov.vn"),
        ("http://WWW.Tramtau.Yenbai.gov.vn:8080/x", "tramtau.yenbai.gov.vn"),
        ("https://www.yenbai.gov.vn", "yenbai.gov.vn"),
        ("tramtau.yenbai.gov.vn/x", "tramtau.yenbai.gov.vn"),
        ("//www.yenbai.gov.vn/a", "yenbai.gov.vn"),
        ("https://wwwyenbai.gov.vn/", "wwwyenbai.gov.vn"),
        ("", ""),
        ("/relative/path", ""),
    ],
)
def test_host_of(url: str, expected: str) -> None:
    assert host_of(url) == expected


@pytest.mark.parametrize(
    ("url", "base_url", "expected"),
    [
        ("http://www.tramtau.yenbai.gov.vn/x", BASE, True),
        ("https://tramtau.yenbai.gov.vn/a/b?c=1", BASE, True),
        ("HTTPS://TRAMTAU.YENBAI.GOV.VN", BASE, True),
        ("https://yenbai.gov.vn/", BASE, False),
        ("https://dongcuong.vanyen.yenbai.gov.vn/", "https://vanyen.yenbai.gov.vn/", False),
        ("https://tramtau.yenbai.gov.vn.evil.com/", BASE, False),
        ("/relative", BASE, False),
    ],
)
def test_same_site(url: str, base_url: str, expected: bool) -> None:
    assert same_site(url, base_url) is expected


@pytest.mark.parametrize(
    ("href", "base", "expected"),
    [
        ("/noidung/a.aspx?ItemID=1", BASE, "https://tramtau.yenbai.gov.vn/noidung/a.aspx?ItemID=1"),
        ("b.aspx", "https://x.vn/p/a.aspx", "https://x.vn/p/b.aspx"),
        ("../c", "https://x.vn/p/q/r", "https://x.vn/p/c"),
        ("//cdn.x.vn/img.jpg", "https://x.vn/", "https://cdn.x.vn/img.jpg"),
        ("http://other.vn/z", "https://x.vn/", "http://other.vn/z"),
        ("  /a\n/b  ", "https://x.vn/", "https://x.vn/a/b"),
        ("?page=2", "https://x.vn/list.aspx?page=1", "https://x.vn/list.aspx?page=2"),
        ("/a#frag", "https://x.vn/", "https://x.vn/a#frag"),
        ("", "https://x.vn/", None),
        ("   ", "https://x.vn/", None),
        ("#", "https://x.vn/", None),
        ("#top", "https://x.vn/", None),
        ("javascript:void(0)", "https://x.vn/", None),
        ("JavaScript:print()", "https://x.vn/", None),
        ("mailto:ubnd@yenbai.gov.vn", "https://x.vn/", None),
        ("tel:+842163999999", "https://x.vn/", None),
        ("data:image/png;base64,AAAA", "https://x.vn/", None),
    ],
)
def test_absolute_url(href: str, base: str, expected: str | None) -> None:
    assert absolute_url(href, base) == expected


HREF_PIECES = ["/", "//", ".", "..", "a", "B", ";", "?", "#", "=", "&", "%2F", "ệ", ":", " ", "@"]
BASES = ["https://x.vn/p/q.aspx?l=1", "http://Www.X.vn:8080", "HTTP://x.vn/", "ftp://x.vn/a"]


@settings(max_examples=3000, deadline=None)
@example("/a?#b", BASES[0])  # urljoin drops an empty query ...
@example("/a?", BASES[0])
@example("/a#", BASES[0])  # ... an empty fragment ...
@example("/a;", BASES[0])  # ... empty parameters ...
@example("/a/../b/./c", BASES[0])  # ... and resolves dot segments
@example("//h.vn/a", BASES[0])
@example("/a", BASES[3])
@given(
    st.lists(st.sampled_from(HREF_PIECES), max_size=10).map("".join),
    st.sampled_from(BASES),
)
def test_absolute_url_resolves_as_urljoin(href: str, base: str) -> None:
    """Links from the root are resolved without urljoin: the result is still urljoin's."""
    cleaned = href.strip()
    expected = None
    if cleaned and not cleaned.startswith("#"):
        try:
            joined = urljoin(base, cleaned)
            expected = joined if urlsplit(joined).scheme.lower() in ("http", "https") else None
        except ValueError:
            expected = None
    assert absolute_url(href, base) == expected


def test_query_params_by_lowercase_name_with_blanks_kept():
    from portal_spider.normalize.urls import query_params

    url = "https://x.gov.vn/a.aspx?ItemID=12&l=TinTuc&Source="
    assert query_params(url) == {"itemid": "12", "l": "TinTuc", "source": ""}


def test_with_query_replaces_query_and_drops_fragment():
    from portal_spider.normalize.urls import with_query

    url = "https://x.gov.vn/Pages/a.aspx?ItemID=12&l=TinTuc#top"
    assert with_query(url, [("ItemID", "12")]) == "https://x.gov.vn/Pages/a.aspx?ItemID=12"


@settings(max_examples=2000, deadline=None)
@example("a=1&&b&c=2=3&=4&")
@given(
    st.lists(st.sampled_from(["a", "B", "=", "&", ";", "ệ", "%41", "+", "%zz", " "]), max_size=12)
)
def test_query_split_as_parse_qsl(pieces: list[str]) -> None:
    from portal_spider.normalize.urls import _parse_query

    query = "".join(pieces)
    assert _parse_query(query) == parse_qsl(query, keep_blank_values=True)


URL_PIECES = ["http://", "HTTPS://", "x.vn", ":80", "[::1]", "/", "?", "#", "&", "=", "a", "ệ"]
URL_PIECES += [" ", "\t", "\x01", "%41", "+", "ItemID", "itemid=", "@", ";", "ftp:", "//"]


@settings(max_examples=3000, deadline=None)
@example("http://x.vn/a?b#c?d")
@example("https://[::1]/a?ItemID=1")
@example(" http://x.vn/a b?c")
@given(st.lists(st.sampled_from(URL_PIECES), max_size=12).map("".join))
def test_path_and_query_as_urlsplit(url: str) -> None:
    """The one-match split of plain web URLs gives ``urlsplit``'s path and query."""
    from portal_spider.normalize.urls import path_and_query

    try:
        parts = urlsplit(url)
    except ValueError:
        return  # urlsplit refuses it; so does path_and_query, by urlsplit itself
    assert path_and_query(url) == (parts.path, parts.query)


# the Kelvin sign and the dotless i match ASCII letters case-blind in a regex, not by str.lower
QUERY_PIECES = ["ItemID", "i", "I", "\u0131", "\u0130", "\u212a", "tem", "ID", "=", "&", "1"]
QUERY_PIECES += ["%49", "+", "ệ", "l=a"]


@settings(max_examples=2000, deadline=None)
@example("ItemID=1&itemid=2&l=x")
@example("%49temID=3")
@given(st.lists(st.sampled_from(QUERY_PIECES), max_size=12).map("".join))
def test_query_value_as_query_params(query: str) -> None:
    from portal_spider.normalize.urls import query_params, query_value

    url = "https://x.vn/a.aspx?" + query
    assert query_value(query, "itemid") == query_params(url).get("itemid")


JOIN_PIECES = ["http://", "https://", "HTTP://", "x.vn", ":80", "/", "?", "#", ";", "&", "=", "a"]
JOIN_PIECES += ["ệ", " ", "..", ".", "//", "%2F", "@", "[::1]", "mailto:"]


@settings(max_examples=3000, deadline=None)
@example("http://x.vn/a?", BASES[0])
@example("http://x.vn/a#", BASES[1])
@example("http://x.vn/a;b", BASES[0])
@example("http://x.vn/a/../b", BASES[0])
@given(
    st.lists(st.sampled_from(JOIN_PIECES), max_size=10).map("".join),
    st.sampled_from(BASES),
)
def test_links_kept_as_joined_are_what_urljoin_gives(href: str, base: str) -> None:
    """An absolute link is taken as it is only where urljoin gives it back unchanged."""
    from portal_spider.normalize.urls import joins_to_itself

    if joins_to_itself(href):
        assert urljoin(base, href) == href


def test_plain_absolute_links_are_kept_as_joined() -> None:
    from portal_spider.normalize.urls import joins_to_itself

    assert joins_to_itself("https://x.gov.vn/Pages/a.aspx?ItemID=1&l=TinTuc&page=2")
    assert joins_to_itself("http://x.gov.vn:8080/tin-tức/bài?x=1#top")
    assert not joins_to_itself("/Pages/a.aspx?ItemID=1")
    assert not joins_to_itself("https://x.gov.vn/a?")
