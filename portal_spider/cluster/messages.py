"""What workers send the writer on the result stream, and how it is read back.

Each stream entry belongs to one run (``run``) of one portal and is of one ``kind``:

* ``item``: an item of the pipelines (an article with its raw capture, a gone article), pickled;
  the writer unpickles only classes of :mod:`portal_spider.items` and plain values, so an entry
  cannot make the writer build any other object;
* ``memory``: crawl-memory writes (walk begun, resume point, page failed, walks completed) that
  belong together, as JSON ``[[step, fields], ...]``, written in one transaction;
* ``capture``: a step of :mod:`archive.capture_steps` (a listing, robots.txt, a sitemap, a feed,
  the home page or another page kept; a linked file's response; a file not kept, with why): JSON
  ``{"step", "capture", "fields", "encoding"}`` in ``data``, the response's bytes in ``body``
  (zlib-compressed when that saves a tenth or more; formats compressed already travel as they are);
* ``finish``: the end of the run, its reason and the crawl's stats (JSON).

An entry is never larger than the response it carries, which the size caps bound
(``DOWNLOAD_MAXSIZE`` for pages, ``PORTAL_ARCHIVE_MAX_ATTACHMENT_SIZE`` and
``PORTAL_ARCHIVE_MAX_IMAGE_SIZE`` for files), plus its headers.
"""

from __future__ import annotations

import io
import json
import pickle
import zlib
from dataclasses import asdict, dataclass, replace
from typing import Any

from archive.blobs import Capture

ITEM, MEMORY, CAPTURE, FINISH = "item", "memory", "capture", "finish"
ITEM_MODULE = "portal_spider.items"
PLAIN = {("builtins", name) for name in ("dict", "list", "set", "tuple", "bytes", "str", "int")}


class ItemUnpickler(pickle.Unpickler):
    """An unpickler that builds only the classes of the items module and plain values."""

    def find_class(self, module: str, name: str) -> Any:
        if module == ITEM_MODULE or (module, name) in PLAIN:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not an item class")


def pack_item(item: Any) -> bytes:
    return pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)


def unpack_item(data: bytes) -> Any:
    return ItemUnpickler(io.BytesIO(data)).load()


@dataclass
class Entry:
    """One entry of the result stream."""

    entry_id: str
    kind: str
    run_id: int
    portal: str
    data: bytes
    body: bytes = b""  # a capture's payload, apart from its JSON

    def fields(self) -> dict[str, Any]:
        fields = {"kind": self.kind, "run": self.run_id, "portal": self.portal, "data": self.data}
        if self.body:
            fields["body"] = self.body
        return fields

    @classmethod
    def from_stream(cls, entry_id: bytes | str, fields: dict[bytes, bytes]) -> Entry:
        return cls(
            entry_id=entry_id.decode() if isinstance(entry_id, bytes) else entry_id,
            kind=fields[b"kind"].decode(),
            run_id=int(fields[b"run"]),
            portal=fields[b"portal"].decode("utf-8"),
            data=fields[b"data"],
            body=fields.get(b"body", b""),
        )

    def json(self) -> Any:
        return json.loads(self.data.decode("utf-8"))


def pack_json(value: Any) -> bytes:
    """JSON of crawl-memory steps or stats (datetimes and other odd values as text)."""
    return json.dumps(value, ensure_ascii=False, default=str).encode("utf-8")


# payloads whose format is compressed already (images, archives, office files): zlib spends CPU
# on them for nothing
COMPRESSED_MAGIC = (
    b"\xff\xd8\xff",  # jpeg
    b"\x89PNG",
    b"GIF8",
    b"RIFF",  # webp
    b"PK\x03\x04",  # zip, docx, xlsx, odt ...
    b"\x1f\x8b",  # gzip
    b"Rar!",
    b"7z\xbc\xaf",
)
SMALL_PAYLOAD = 512  # bytes: not worth compressing


def encode_payload(body: bytes) -> tuple[str, bytes]:
    """The payload as it travels: ``("zlib", bytes)`` when compressing saves a tenth or more,
    else ``("identity", body)``."""
    if len(body) < SMALL_PAYLOAD or body.startswith(COMPRESSED_MAGIC):
        return "identity", body
    packed = zlib.compress(body, 6)
    if len(packed) <= len(body) * 0.9:
        return "zlib", packed
    return "identity", body


def decode_payload(encoding: str, data: bytes) -> bytes:
    if encoding == "zlib":
        return zlib.decompress(data)
    if encoding == "identity":
        return data
    raise ValueError(f"unknown payload encoding {encoding!r}")


def pack_capture(step: str, capture: Capture | None, fields: dict[str, Any]) -> tuple[bytes, bytes]:
    """A capture step as the ``data`` (JSON) and ``body`` (payload) of an entry."""
    head: dict[str, Any] = {"step": step, "fields": fields, "capture": None, "encoding": None}
    body = b""
    if capture is not None:
        head["capture"] = {k: v for k, v in asdict(capture).items() if k != "body"}
        head["encoding"], body = encode_payload(capture.body)
    return pack_json(head), body


def unpack_capture(entry: Entry) -> tuple[str, Capture | None, dict[str, Any]]:
    """The step, its capture (the run's, with its payload) and its other fields."""
    head = entry.json()
    capture = None
    if head["capture"] is not None:
        capture = Capture(**head["capture"], body=decode_payload(head["encoding"], entry.body))
        capture = replace(capture, run_id=entry.run_id)
    return str(head["step"]), capture, dict(head["fields"])
