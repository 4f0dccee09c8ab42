"""Two concurrent crawls of one archive: one runs, the other exits 3 naming the holder."""

from __future__ import annotations

import time

import pytest
from crawl_machinery import NOW, crawl, make_site, start_crawl

from archive.db import open_archive
from portal_spider.crawl.lock import ArchiveLock, ArchiveLocked, lock_path_for
from portal_spider.demo.server import PortalServer

pytestmark = pytest.mark.crawl


def test_second_crawl_on_a_locked_archive_exits_3_with_a_clear_message(tmp_path):
    db_path = tmp_path / "archive.db"
    with PortalServer(make_site(30), delay=0.05) as server:
        url = server.url + "/"
        first = start_crawl(url, "--db", str(db_path), "--delay", "0.01", log=tmp_path / "a.log")
        lock_file = lock_path_for(db_path)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and first.poll() is None:
            if lock_file.exists() and "PID" in lock_file.read_text():
                break
            time.sleep(0.02)
        second = crawl(url, "--db", str(db_path), "--delay", "0.01", now=NOW)
        assert first.wait(timeout=120) == 0, (tmp_path / "a.log").read_text()[-3000:]
    assert second.returncode == 3
    message = second.stderr.strip().splitlines()[-1]
    assert "archive locked" in message and f"PID {first.pid}" in message
    runs = list(open_archive(db_path).query("select status from crawl_runs"))
    assert runs == [{"status": "ok"}]


def test_the_lock_is_exclusive_and_released(tmp_path):
    db_path = tmp_path / "archive.db"
    with ArchiveLock(db_path) as held:
        assert held.held
        try:
            ArchiveLock(db_path).acquire()
        except ArchiveLocked as error:
            assert "archive locked" in str(error)
        else:
            raise AssertionError("a second lock was granted")
    with ArchiveLock(db_path):
        pass
