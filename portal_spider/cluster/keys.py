"""The Redis keys of one cluster, all under one prefix (several clusters may share a server).

* ``<prefix>:wanted`` (list): portals asked for by ``enqueue``, waiting for the writer;
* ``<prefix>:jobs`` (list): jobs the writer made (portal, run id, crawl plan), waiting for a worker;
* ``<prefix>:active`` (list): jobs a worker claimed; ``<prefix>:lease:<job>`` (string with a
  time to live) says its worker is alive; a job whose lease expired goes back to the writer;
* ``<prefix>:lost`` (list): jobs taken back from ``active`` (their lease expired), until the
  writer has queued the portal's next job (or given it up); they keep the cluster from looking
  idle while the portal is planned again;
* ``<prefix>:results`` (stream, consumer group ``writer``): what workers send the writer;
  ``<prefix>:rejected`` (stream): entries the writer could not read, with the reason;
* ``<prefix>:host:<host:port>`` (sorted set) and ``<prefix>:host:<host:port>:next`` (string):
  the requests in flight to a host across the fleet, and when the next may start.
"""

from __future__ import annotations

from dataclasses import dataclass

import redis

DEFAULT_PREFIX = "portal-archive"
WRITER_GROUP = "writer"


@dataclass(frozen=True)
class Keys:
    """The key names of the cluster under ``prefix``."""

    prefix: str = DEFAULT_PREFIX

    @property
    def wanted(self) -> str:
        return f"{self.prefix}:wanted"

    @property
    def jobs(self) -> str:
        return f"{self.prefix}:jobs"

    @property
    def active(self) -> str:
        return f"{self.prefix}:active"

    @property
    def lost(self) -> str:
        return f"{self.prefix}:lost"

    def lease(self, job_id: str) -> str:
        return f"{self.prefix}:lease:{job_id}"

    @property
    def results(self) -> str:
        return f"{self.prefix}:results"

    @property
    def rejected(self) -> str:
        return f"{self.prefix}:rejected"

    def host(self, netloc: str) -> str:
        return f"{self.prefix}:host:{netloc}"


def connect(url: str) -> redis.Redis:
    """A client of the Redis server at ``url`` (``redis://host:port/db``), checked with a PING."""
    client = redis.Redis.from_url(url, socket_timeout=30, socket_connect_timeout=10)
    client.ping()
    return client
