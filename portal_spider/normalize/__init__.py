"""Pure normalisation helpers (no Scrapy): dates, view counts, text and URLs.

Spiders, parsers and pipelines import from here so that every stored value is normalised the
same way: NFC text, ``+07:00`` ISO timestamps, integer view counts and canonical URLs.

The helpers are loaded when first used (the date parser takes a tenth of a second to import,
and the archive's commands, which need none of it, should start at once).
"""

from __future__ import annotations

import importlib
from typing import Any

_MODULES = {
    "dates_vi": ("VN_TZ", "find_dates", "normalize_published", "parse_vi_datetime", "to_iso"),
    "numbers_vi": ("parse_view_count",),
    "text": ("clean_multiline", "clean_text", "fold_vietnamese", "nfc", "strip_label"),
    "urls": ("absolute_url", "canonical_url", "host_of", "same_site"),
}
_HOME = {name: module for module, names in _MODULES.items() for name in names}

__all__ = sorted(_HOME)


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
