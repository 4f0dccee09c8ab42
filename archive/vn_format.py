"""Dates and numbers as Vietnamese readers write them: ``14/07/2023 08:00``, ``4.829``."""

from __future__ import annotations

import logging
from datetime import datetime

logger = logging.getLogger(__name__)


def vietnamese_datetime(iso: str | None) -> str:
    """``2023-07-14T08:00:02+07:00`` as ``14/07/2023 08:00`` (the time as the portal gave it);
    a date alone as ``14/07/2023``; anything unparseable as it is; None as an empty string."""
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        logger.debug("not an ISO date: %r", iso)
        return iso
    if len(iso) <= 10:
        return moment.strftime("%d/%m/%Y")
    return moment.strftime("%d/%m/%Y %H:%M")


def vietnamese_month(month: str) -> str:
    """``2023-07`` as ``07/2023``."""
    year, _, number = month.partition("-")
    return f"{number}/{year}" if number else month


def vietnamese_number(value: int | float | None) -> str:
    """``4829`` as ``4.829`` (dots group thousands); None as an empty string."""
    if value is None:
        return ""
    return f"{int(value):,}".replace(",", ".")
