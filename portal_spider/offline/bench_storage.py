"""What an article costs on disk: an archive built through the store, measured table by table.

``portal-archive bench-storage --articles N`` writes N generated articles of the demo portal's
layout through :class:`archive.store.ArchiveStore` as a crawl does (each with its raw page, its
version, URL and view count), then edits a tenth of them (a second version each), and prints
the file's size per article and each table's share (SQLite's ``dbstat``, where available).

Article text is drawn from the demo portal's own articles (``archive.bench_reading.demo_words``);
the page around it is the demo portal's layout. The module uses only the store's long-standing
interface, so the same file measures an older checkout too:
``PYTHONPATH=<checkout> python portal_spider/offline/bench_storage.py --articles N --db PATH``.
"""

from __future__ import annotations

import json
import random
import re
import sqlite3
import time
from pathlib import Path
from typing import Any

import click

DEMO_ARTICLES = Path(__file__).resolve().parent.parent / "demo" / "articles.json"
SLUG = "bench-storage"
BASE = "https://bench.example.gov.vn"


def _words() -> list[str]:
    data = json.loads(DEMO_ARTICLES.read_text(encoding="utf-8"))
    text = " ".join(" ".join(a["paragraphs"]) for a in data["articles"])
    return re.findall(r"\S+", text)


def generated_article(n: int, rng: random.Random, words: list[str], site: Any) -> dict[str, Any]:
    """An article in the demo portal's data shape, with 4-8 paragraphs of demo text."""
    paragraphs = []
    for _ in range(rng.randint(4, 8)):
        start = rng.randrange(0, len(words) - 90)
        paragraphs.append(" ".join(words[start : start + rng.randint(40, 90)]))
    list_name = rng.choice(sorted(site.categories))
    day = 1 + n % 28
    return {
        "item_id": 100_000 + n,
        "list": list_name,
        "title": " ".join(words[(n * 13) % (len(words) - 12) :][:12]),
        "published_raw": f"{day:02d}/06/2024 8:00:00 SA",
        "published_at": f"2024-06-{day:02d}T08:00:00+07:00",
        "views": rng.randint(10, 9000),
        "paragraphs": paragraphs,
        "source": "Ban Tuyên giáo Huyện ủy" if n % 3 else None,
        "author": "Minh Hà" if n % 2 else None,
        "author_label": "Tin, ảnh:",
        "images": [{"file": f"anh-{n}.jpg", "caption": "Quang cảnh hội nghị"}] if n % 2 else [],
        "attachments": [],
    }


def record_of(article: dict[str, Any], url: str, fetched_at: str) -> dict[str, Any]:
    """The record the page object and normaliser would derive from the article's page."""
    body_html = "".join(f"<p>{p}</p>" for p in article["paragraphs"])
    return {
        "url": url,
        "portal": SLUG,
        "item_id": str(article["item_id"]),
        "canonical_url": url,
        "platform": "yenbai",
        "category": article["list"],
        "title": article["title"],
        "published_raw": article["published_raw"],
        "published_at": article["published_at"],
        "views_raw": f"{article['views']} lượt xem",
        "views": article["views"],
        "body_text": "\n\n".join(article["paragraphs"]),
        "body_html": body_html,
        "source": article["source"],
        "author": article["author"],
        "images": [
            {"url": f"{BASE}/img/{i['file']}", "caption": i["caption"]} for i in article["images"]
        ],  # fmt: skip
        "attachments": [],
        "fetched_at": fetched_at,
        "extraction": {"title": "platform:yenbai .news-title", "body_text": "platform:yenbai"},
        "problems": [],
    }


def table_bytes(path: Path) -> dict[str, int]:
    """Bytes per table (indexes counted with their table), from SQLite's dbstat if present."""
    connection = sqlite3.connect(path)
    try:
        rows = connection.execute(
            "select coalesce(m.tbl_name, s.name), sum(s.pgsize) from dbstat as s "
            "left join sqlite_master as m on m.name = s.name group by 1 order by 2 desc"
        ).fetchall()
    except sqlite3.OperationalError:
        return {}
    finally:
        connection.close()
    return {str(name): int(size) for name, size in rows}


def build(path: Path, articles: int, seed: int = 5) -> dict[str, Any]:
    """Write ``articles`` articles (and edit a tenth) through the store into a new archive."""
    from archive.db import open_archive
    from archive.store import ArchiveStore, Capture
    from portal_spider.demo.yenbai_site import YenBaiSite

    site = YenBaiSite()
    words = _words()
    store = ArchiveStore(open_archive(path))
    store.db.execute("PRAGMA synchronous=OFF")  # a throwaway file: no fsync per article
    store.upsert_portal({"slug": SLUG, "name": "Bench", "base_url": BASE + "/"})
    started = time.monotonic()
    headers = {"Content-Type": "text/html; charset=utf-8", "Server": "Microsoft-IIS/10.0"}
    page_bytes = 0
    for round_ in (0, 1):
        when = f"2024-07-0{1 + round_}T02:00:00+00:00"
        for n in range(articles):
            if round_ and n % 10:
                continue
            article = generated_article(n, random.Random(seed * 1_000_003 + n), words, site)
            if round_:
                article["paragraphs"][0] += " (đã cập nhật)"
            url = f"{BASE}{site.article_url(article)}"
            body = site._page(site._article(article, 1)).body
            page_bytes += len(body)
            capture = Capture(SLUG, None, url, body, 200, headers, when)
            store.save_fetched(record_of(article, url, when), capture)
    elapsed = time.monotonic() - started
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.db.close()
    size = path.stat().st_size
    return {
        "articles": articles,
        "edited": (articles + 9) // 10,
        "file_bytes": size,
        "bytes_per_article": size / articles,
        "page_bytes_fetched": page_bytes,
        "seconds": round(elapsed, 1),
        "tables": table_bytes(path),
    }


@click.command("bench-storage")
@click.option("--articles", type=click.IntRange(min=10), default=20_000, show_default=True,
              help="Articles to write (a tenth of them edited once more).")  # fmt: skip
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("bench-storage.db"), show_default=True,
              help="The archive to build (replaced).")  # fmt: skip
def bench_storage_command(articles: int, db_path: Path) -> None:
    """Measure the bytes an article costs in an archive built through the store.

    Writes generated articles of the demo portal's layout, each with its raw page, version, URL
    and views, edits a tenth of them, and prints the size per article and per table as JSON.
    """
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    click.echo(json.dumps(build(db_path, articles), indent=2))


if __name__ == "__main__":
    bench_storage_command()
