"""Everything the portal served, kept once: the demo portal crawled twice over real HTTP.

The site records the bytes it sent for every request target; every capture read back through
the archive (a revisit through the capture holding its bytes) must equal them. The demo's PDF is
linked from a second article and served with a wrong Content-Type (the type is sniffed); a
third article links a PDF far over the attachment cap, streamed by the server in chunks so it can
tell how much of it was taken before the crawler cancelled the download.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import threading
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from crawl_helpers import run_cli, write_registry, yenbai_registry_row

from archive.blobs import payload
from archive.db import open_archive
from archive.wacz import WaczError, cdxj_lookup, read_record, validate_wacz
from portal_spider.demo.server import PortalServer
from portal_spider.demo.yenbai_site import FILE_PATH, MINIMAL_PDF, Reply, YenBaiSite

pytestmark = pytest.mark.crawl

SLUG = "tramtau-capture"
SHARED_PDF = "ke-hoach-38-kh-ubnd-chuyen-doi-so-2024.pdf"
BIG_PDF = "quy-hoach-chung-ban-ve-lon.pdf"
BIG_SIZE = 64 * 1024 * 1024
CAP = 1024 * 1024
CHUNK = 64 * 1024


class RecordingSite(YenBaiSite):
    """The demo portal, remembering the body it sent for each target."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: dict[str, bytes] = {}
        self.big_sent = 0
        self.big_requests = 0
        self.lock = threading.Lock()
        first = self.articles[4022]["attachments"][0]
        second = next(i for i in self.articles if i != 4022)
        self.edit_article(second, attachments=[dict(first)])
        third = next(i for i in self.articles if i not in (4022, second))
        self.edit_article(third, attachments=[{"file": BIG_PDF, "title": "Bản vẽ quy hoạch"}])
        self.linking = {4022, second}

    def handle(self, target: str) -> Reply:
        reply = super().handle(target)
        if target.endswith(SHARED_PDF):  # a server that says nothing useful of the type
            reply = Reply(200, "application/octet-stream", reply.body)
        with self.lock:
            self.sent[target] = reply.body
        return reply

    def serve_raw(self, target: str, handler) -> bool:
        if not target.endswith(BIG_PDF):
            return False
        with self.lock:
            self.big_requests += 1
        handler.send_response(200)
        handler.send_header("Content-Type", "application/pdf")
        handler.send_header("Content-Length", str(BIG_SIZE))
        handler.end_headers()
        block = b"%PDF-1.4\n" + b"0" * (CHUNK - 9)
        try:
            for _ in range(BIG_SIZE // CHUNK):
                handler.wfile.write(block)
                with self.lock:
                    self.big_sent += CHUNK
        except OSError:
            pass  # the crawler hung up
        handler.close_connection = True
        return True


def target_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def wacz_validate(path: Path) -> subprocess.CompletedProcess:
    """``wacz validate -f PATH``: the validator of the wacz package, as a user runs it."""
    command = [Path(sys.executable).parent / "wacz", "validate", "-f", path]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def capture_bytes(db) -> int:
    """What the captures cost in the archive: kept bodies and the recorded headers."""
    return db.execute(
        "select coalesce(sum(length(coalesce(body_gz, '')) + length(coalesce(headers, '')) "
        "+ length(coalesce(request_headers, ''))), 0) from captures"
    ).fetchone()[0]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    site = RecordingSite()
    folder = tmp_path_factory.mktemp("capture")
    db_path = folder / "archive.db"
    with PortalServer(site) as server:
        registry = write_registry(
            folder / "portals.toml", [yenbai_registry_row(SLUG, site, server.url)]
        )
        args = ("crawl", SLUG, "--db", str(db_path), "--delay", "0.01",
                "--set", f"PORTAL_ARCHIVE_MAX_ATTACHMENT_SIZE={CAP}")  # fmt: skip
        first = run_cli(*args, registry=registry)
        assert first.returncode == 0, first.stderr[-3000:]
        db = open_archive(db_path)
        first_rows = db["captures"].count
        first_bytes = capture_bytes(db)
        first_targets = list(server.log.targets)
        warc_first = folder / "first.warc.gz"
        exported = run_cli("export-warc", "--db", str(db_path), "-o", str(warc_first))
        assert exported.returncode == 0, exported.stderr[-3000:]
        second = run_cli(*args, registry=registry)
        assert second.returncode == 0, second.stderr[-3000:]
    return {
        "site": site,
        "db": db,
        "db_path": db_path,
        "folder": folder,
        "first_rows": first_rows,
        "first_bytes": first_bytes,
        "first_targets": first_targets,
        "warc_first": warc_first,
    }


def test_every_response_is_captured_once_with_the_bytes_sent(crawled):
    db, site = crawled["db"], crawled["site"]
    rows = list(db.query("select id, url, kind from captures order by id"))
    assert rows
    for row in rows:
        assert payload(db, row["id"]) == site.sent[target_of(row["url"])], row
    captured = {target_of(row["url"]) for row in rows}
    served = set(crawled["first_targets"])
    # everything served in the first crawl is captured, except the file cancelled as too large
    assert served - captured == {t for t in served if t.endswith(BIG_PDF)}
    kinds = {row["kind"] for row in rows}
    assert {"home", "robots", "listing", "article", "attachment", "image"} <= kinds
    assert "/robots.txt" in captured and "/" in captured
    listings = {t for t in served if "page=" in t and "ItemID" not in t}
    assert listings and listings <= captured
    articles = db.execute("select count(*) from articles where capture_id is null").fetchone()[0]
    assert articles == 0 and db["articles"].count == len(site.articles)
    images = {t for t in served if t.endswith(".jpg")}
    assert images and images <= captured


def test_bytes_are_kept_once_and_revisits_point_at_them(crawled):
    db = crawled["db"]
    duplicated = db.execute(
        "select sha256, count(*) from captures where body_gz is not null "
        "group by sha256 having count(*) > 1"
    ).fetchall()
    assert duplicated == []
    orphans = db.execute(
        "select count(*) from captures as c left join captures as o on o.id = c.revisit_of "
        "where c.revisit_of is not null and (o.body_gz is null or o.sha256 != c.sha256)"
    ).fetchone()[0]
    assert orphans == 0


def test_warcio_check_passes_on_the_export(crawled, tmp_path):
    warc = tmp_path / "all.warc.gz"
    result = run_cli("export-warc", "--db", str(crawled["db_path"]), "-o", str(warc))
    assert result.returncode == 0, result.stderr
    warcio = Path(sys.executable).parent / "warcio"
    check = subprocess.run([warcio, "check", "-v", warc], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout[-2000:]
    types = [line.split()[-1] for line in check.stdout.splitlines() if "WARC-Record-ID" in line]
    assert {"warcinfo", "response", "request", "revisit", "metadata"} == set(types)
    assert types.count("response") + types.count("revisit") == crawled["db"]["captures"].count


def test_second_crawl_adds_only_revisits(crawled, tmp_path):
    db = crawled["db"]
    new_rows = list(db.query("select * from captures where id > ?", [crawled["first_rows"]]))
    assert new_rows, "the second crawl fetched the listings, home page and robots.txt again"
    assert all(row["revisit_of"] is not None and row["body_gz"] is None for row in new_rows)
    growth = capture_bytes(db) - crawled["first_bytes"]
    assert growth < 0.05 * crawled["first_bytes"], (growth, crawled["first_bytes"])
    # the WARC of both crawls: the second adds revisit, request and metadata records only
    warc = tmp_path / "both.warc.gz"
    result = run_cli("export-warc", "--db", str(crawled["db_path"]), "-o", str(warc))
    assert result.returncode == 0, result.stderr[-3000:]
    first = crawled["warc_first"].stat().st_size
    assert warc.stat().st_size - first < 0.05 * first, (warc.stat().st_size, first)


def test_a_pdf_linked_twice_is_stored_once_and_both_articles_point_at_it(crawled):
    db, site = crawled["db"], crawled["site"]
    digest = hashlib.sha256(MINIMAL_PDF).hexdigest()
    files = list(db.query("select * from files where sha256 = ?", [digest]))
    assert len(files) == 1
    assert files[0]["mime"] == "application/pdf"  # sniffed: the server said octet-stream
    assert files[0]["size"] == len(MINIMAL_PDF) and files[0]["filename"] == SHARED_PDF
    kept = db.execute(
        "select count(*) from captures where sha256 = ? and body_gz is not null", [digest]
    ).fetchone()[0]
    assert kept == 1
    links = list(
        db.query(
            "select a.item_id, l.status, l.sha256 from article_files as l "
            "join articles as a on a.id = l.article_id where l.url like ?",
            [f"%{FILE_PATH}{SHARED_PDF}"],
        )
    )
    assert {int(row["item_id"]) for row in links} == site.linking
    assert {(row["status"], row["sha256"]) for row in links} == {("stored", digest)}
    assert payload(db, files[0]["capture_id"]) == MINIMAL_PDF


def test_a_pdf_over_the_cap_is_skipped_with_its_size_and_cancelled_early(crawled):
    db, site = crawled["db"], crawled["site"]
    links = list(db.query("select * from article_files where url like ?", [f"%{BIG_PDF}"]))
    assert len(links) == 1
    assert links[0]["status"] == "skipped" and links[0]["size"] == BIG_SIZE
    assert "too large" in links[0]["note"]
    assert (
        db.execute("select count(*) from captures where url like ?", [f"%{BIG_PDF}"]).fetchone()[0]
        == 0
    )
    # requested once (the second crawl knows it is too large), cancelled after its headers
    assert site.big_requests == 1
    assert site.big_sent < BIG_SIZE // 4, site.big_sent


def test_export_wacz_validates_and_its_index_replays_an_article(crawled, tmp_path):
    db = crawled["db"]
    wacz = tmp_path / "demo.wacz"
    result = run_cli("export-wacz", "--db", str(crawled["db_path"]), "-o", str(wacz))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "(valid)" in result.stderr
    validate_wacz(wacz)
    # the wacz package's own command line says the same, and says no to a package altered after
    assert wacz_validate(wacz).returncode == 0
    altered = tmp_path / "altered.wacz"
    with zipfile.ZipFile(wacz) as source, zipfile.ZipFile(altered, "w") as target:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "pages/pages.jsonl":
                data = data.replace(b'"url": "', b'"url": "x', 1)
            target.writestr(entry, data)
    refused = wacz_validate(altered)
    assert refused.returncode == 1 and "invalid" in refused.stdout, refused.stdout[-2000:]
    with pytest.raises(WaczError):
        validate_wacz(altered)
    article = next(db.query("select url, capture_id from articles order by id limit 1"))
    entries = [e for e in cdxj_lookup(wacz, article["url"]) if e["mime"] != "warc/revisit"]
    assert len(entries) == 1
    record, body = read_record(wacz, entries[0])
    assert record.rec_type == "response"
    assert record.rec_headers.get_header("WARC-Target-URI") == article["url"]
    assert body == payload(db, article["capture_id"])
    assert body == crawled["site"].sent[target_of(article["url"])]


def test_show_prints_the_record_and_the_raw_bytes(crawled):
    db_path = crawled["db_path"]
    pdf_url = crawled["db"].execute("select url from files where mime = 'application/pdf'")
    url = pdf_url.fetchone()[0]
    raw = subprocess.run(
        [sys.executable, "-m", "portal_spider", "show", url, "--raw", "--db", str(db_path)],
        capture_output=True,
        check=False,
    )
    assert raw.returncode == 0 and raw.stdout == MINIMAL_PDF
    article = crawled["db"].execute("select id from articles where item_id = '4022'").fetchone()[0]
    shown = run_cli("show", article, "--db", str(db_path))
    assert shown.returncode == 0, shown.stderr
    assert SHARED_PDF in shown.stdout and '"status": "stored"' in shown.stdout
    missing = run_cli("show", "http://127.0.0.1:1/none", "--db", str(db_path))
    assert missing.returncode == 1 and "nothing archived" in missing.stderr


def test_the_reader_links_the_stored_copies(crawled):
    import asyncio
    import re

    from archive.serve import build_datasette

    db = crawled["db"]
    ds = build_datasette(crawled["db_path"])
    article = db.execute("select id from articles where item_id = '4022'").fetchone()[0]
    pictured = db.execute(
        "select l.article_id from article_files as l join captures as c on c.url = l.url "
        "where l.kind = 'image' and c.revisit_of is not null limit 1"
    ).fetchone()[0]

    async def read(path: str):
        return await ds.client.get(path)

    page = asyncio.run(read(f"/-/article/{article}"))
    files = re.findall(r'href="(/-/file/[0-9a-f]{64})"', page.text)
    assert files == [f"/-/file/{hashlib.sha256(MINIMAL_PDF).hexdigest()}"]
    download = asyncio.run(read(files[0]))
    assert download.status_code == 200 and download.content == MINIMAL_PDF
    assert download.headers["content-type"] == "application/pdf"
    assert SHARED_PDF in download.headers["content-disposition"]
    # an image whose latest capture is a revisit is served from the capture holding its bytes
    images = re.findall(
        r'src="(/-/capture/\d+/raw)"', asyncio.run(read(f"/-/article/{pictured}")).text
    )
    assert images
    image = asyncio.run(read(images[0]))
    assert image.status_code == 200 and image.content.startswith(b"\xff\xd8\xff")


def test_images_off_leaves_them_pending_and_a_later_run_fetches_them(tmp_path):
    site = YenBaiSite()
    db_path = tmp_path / "archive.db"
    with PortalServer(site) as server:
        registry = write_registry(
            tmp_path / "portals.toml", [yenbai_registry_row(SLUG, site, server.url)]
        )
        args = ("crawl", SLUG, "--db", str(db_path), "--delay", "0.01")
        first = run_cli(*args, "--set", "PORTAL_ARCHIVE_IMAGES=false", registry=registry)
        assert first.returncode == 0, first.stderr[-3000:]
        served_first = list(server.log.targets)
        db = open_archive(db_path)
        pending = db.execute(
            "select count(distinct url) from article_files where kind = 'image' "
            "and status = 'pending'"
        ).fetchone()[0]
        assert pending > 0
        assert not [t for t in served_first if t.endswith(".jpg")]
        assert db["captures"].count_where("kind = 'image'") == 0
        server.log.clear()
        second = run_cli(*args, registry=registry)
        assert second.returncode == 0, second.stderr[-3000:]
        fetched = [t for t in server.log.targets if t.endswith(".jpg")]
    assert len(fetched) == len(set(fetched)) == pending
    left = db.execute(
        "select count(*) from article_files where kind = 'image' and status != 'stored'"
    ).fetchone()[0]
    assert left == 0
