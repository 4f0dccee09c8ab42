"""What workers send the writer on the result stream, and how it is read back.

Each stream entry belongs to one run (``run``) of one portal and is of one ``kind``:

* ``item``: an item of the pipelines (an article with its raw capture, a gone article), pickled;
  the writer unpickles only classes of :mod:`portal_spider.items` and plain values, so an entry
  cannot make the writer build any other object;
* ``memory``: crawl-memory writes (walk begun, resume point, page failed, walks completed) that
  belong together, as JSON ``[[step, fields], ...]``, written in one transaction;
* ``finish``: the end of the run, its reason and the crawl's stats (JSON).
"""

from __future__ import annotations

import io
import json
import pickle
from dataclasses import dataclass
from typing import Any

ITEM, MEMORY, FINISH = "item", "memory", "finish"
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

    def fields(self) -> dict[str, Any]:
        return {"kind": self.kind, "run": self.run_id, "portal": self.portal, "data": self.data}

    @classmethod
    def from_stream(cls, entry_id: bytes | str, fields: dict[bytes, bytes]) -> Entry:
        return cls(
            entry_id=entry_id.decode() if isinstance(entry_id, bytes) else entry_id,
            kind=fields[b"kind"].decode(),
            run_id=int(fields[b"run"]),
            portal=fields[b"portal"].decode("utf-8"),
            data=fields[b"data"],
        )

    def json(self) -> Any:
        return json.loads(self.data.decode("utf-8"))


def pack_json(value: Any) -> bytes:
    """JSON of crawl-memory steps or stats (datetimes and other odd values as text)."""
    return json.dumps(value, ensure_ascii=False, default=str).encode("utf-8")
