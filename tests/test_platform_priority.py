"""Every page object is in the detection priority table of platforms/README.md, as it is coded."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from portal_spider.platforms import all_platforms, detect_platform

logger = logging.getLogger(__name__)

README = Path(__file__).parent.parent / "portal_spider" / "platforms" / "README.md"
ROW = re.compile(r"^\| `(?P<name>[a-z]+)` \| (?P<priority>\d+) \|", re.MULTILINE)


def priority_table() -> dict[str, int]:
    return {m["name"]: int(m["priority"]) for m in ROW.finditer(README.read_text("utf-8"))}


def test_every_page_object_is_in_the_priority_table():
    table = priority_table()
    coded = {name: platform.priority for name, platform in all_platforms().items()}
    assert coded == table


def test_priorities_are_distinct_so_no_tie_is_left_to_order():
    priorities = [platform.priority for platform in all_platforms().values()]
    assert len(set(priorities)) == len(priorities)


def test_all_platforms_are_in_priority_order_generic_last():
    names = list(all_platforms())
    assert names == sorted(names, key=lambda name: -priority_table()[name])
    assert names[-1] == "generic"


def test_a_tie_goes_to_the_higher_priority(monkeypatch):
    platforms = all_platforms()
    for platform in platforms.values():
        monkeypatch.setattr(type(platform), "detect", lambda self, url, html: 60)
    table = priority_table()
    highest = max(table, key=table.__getitem__)
    assert detect_platform("https://x.example.gov.vn/a", "<html></html>").name == highest
