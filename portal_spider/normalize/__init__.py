"""Pure normalisation helpers (no Scrapy): dates, view counts, text and URLs.

Spiders, parsers and pipelines import from here so that every stored value is normalised the
same way: NFC text, ``+07:00`` ISO timestamps, integer view counts and canonical URLs.
"""

from .dates_vi import VN_TZ, find_dates, normalize_published, parse_vi_datetime, to_iso
from .numbers_vi import parse_view_count
from .text import clean_multiline, clean_text, fold_vietnamese, nfc, strip_label
from .urls import absolute_url, canonical_url, host_of, same_site

__all__ = [
    "VN_TZ",
    "absolute_url",
    "canonical_url",
    "clean_multiline",
    "clean_text",
    "find_dates",
    "fold_vietnamese",
    "host_of",
    "nfc",
    "normalize_published",
    "parse_view_count",
    "parse_vi_datetime",
    "same_site",
    "strip_label",
    "to_iso",
]
