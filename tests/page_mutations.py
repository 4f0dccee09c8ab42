"""Damaged copies of saved pages, as broken servers and editors produce them.

Each mutation takes the page's text and a seeded random generator and returns the damaged text:
cut short, control characters sprinkled in or after ``<br>``, a kind of tag dropped, a region
duplicated, the page commented out, markup unclosed or nested deep, its encoding swapped. The same
seed gives the same damage, so a failure names its page, mutation and seed.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from charset_samples import to_cp1258

from portal_spider.normalize.charset import decode_page

CONTROLS = [chr(c) for c in (*range(0, 9), 11, 12, *range(14, 32), 127, *range(128, 160))]
TAGS = ("div", "p", "span", "h1", "h2", "body", "html", "head", "table", "tr", "td", "a", "time")


def truncate(html: str, rng: random.Random) -> str:
    return html[: rng.randrange(len(html) + 1)]


def sprinkle_controls(html: str, rng: random.Random) -> str:
    chars = list(html)
    for _ in range(rng.randint(1, 60)):
        chars.insert(rng.randrange(len(chars) + 1), rng.choice(CONTROLS))
    return "".join(chars)


def control_after_br(html: str, rng: random.Random) -> str:
    damaged = re.sub(r"<br\s*/?>", lambda m: m.group(0) + rng.choice(CONTROLS), html, flags=re.I)
    return damaged.replace("</p>", "<br>" + rng.choice(CONTROLS) + "</p>")


def drop_tags(html: str, rng: random.Random) -> str:
    return re.sub(rf"</?{rng.choice(TAGS)}\b[^>]*>", "", html, flags=re.I)


def duplicate_region(html: str, rng: random.Random) -> str:
    start = rng.randrange(len(html) + 1)
    end = min(len(html), start + rng.randrange(1, 8000))
    return html[:end] + html[start:end] * rng.randint(1, 3) + html[end:]


def comment_out(html: str, rng: random.Random) -> str:
    return "<!-- " + html.replace("-->", "") + " -->" if rng.random() < 0.5 else "<!---->\n  "


def unclose(html: str, rng: random.Random) -> str:
    return re.sub(r"</(div|p|span|a|td|tr|table|li|ul)>", "", html) + "<b><i" * rng.randint(1, 5)


def nest_deep(html: str, rng: random.Random) -> str:
    depth = rng.choice((300, 3000, 20000))
    at = html.find("<body")
    at = html.find(">", at) + 1 if at >= 0 else 0
    tag = rng.choice(("div", "span", "table><tr><td", "font"))
    return html[:at] + f"<{tag}>" * depth + "Xã Phú Thọ" + html[at:]


def swap_encoding(html: str, rng: random.Random) -> str:
    way = rng.randrange(4)
    if way == 0:  # UTF-8 read as latin-1: mojibake
        return html.encode("utf-8").decode("latin-1")
    if way == 1:  # UTF-8 read as cp1252, unknown bytes replaced
        return html.encode("utf-8").decode("cp1252", errors="replace")
    if way == 2:  # windows-1258 bytes decoded by the crawler's decoder, labelled UTF-8
        return decode_page(to_cp1258(html), "text/html; charset=utf-8").text
    return html.encode("utf-16-le").decode("latin-1")  # UTF-16 read as a single-byte page


def scramble_markup(html: str, rng: random.Random) -> str:
    symbols = "<>\"'=&/;#"
    chars = list(html)
    for _ in range(rng.randint(10, 400)):
        chars[rng.randrange(len(chars))] = rng.choice(symbols)
    return "".join(chars)


MUTATIONS: dict[str, Callable[[str, random.Random], str]] = {
    "truncate": truncate,
    "sprinkle_controls": sprinkle_controls,
    "control_after_br": control_after_br,
    "drop_tags": drop_tags,
    "duplicate_region": duplicate_region,
    "comment_out": comment_out,
    "unclose": unclose,
    "nest_deep": nest_deep,
    "swap_encoding": swap_encoding,
    "scramble_markup": scramble_markup,
}


def mutated(html: str, name: str, seed: int) -> str:
    """``html`` damaged by the mutation ``name`` with ``seed``."""
    return MUTATIONS[name](html, random.Random(seed))
