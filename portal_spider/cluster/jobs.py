"""The job queue of the cluster: portals asked for, jobs waiting, jobs claimed under a lease.

A job is one run of one portal: the portal's registry row, the ``crawl_runs`` id the writer
opened for it, the crawl plan read from the archive (:mod:`portal_spider.cluster.snapshot`) and
the run's settings. It moves in Redis lists, each move atomic (a Lua script or a transaction):

``enqueue`` -> ``wanted`` -> (writer opens the run, reads the plan) -> ``jobs`` -> (a worker
claims it with LMOVE and takes its lease in the same script) -> ``active`` -> (the worker sends
the end of the run on the result stream, then drops the job and its lease) -> gone.

The worker renews the lease while it crawls. A worker killed or cut off stops renewing it; once
it has expired the writer moves the job from ``active`` to ``lost`` (one script), closes its run
as interrupted and plans the portal again from the archive (which now holds whatever the lost
worker had sent), so the next run goes on where the lost one stopped, as a local crawl does after
a kill. The next job is queued and the lost one dropped in one transaction: at no moment is the
portal in none of the lists, so a worker that stops when the cluster is idle cannot stop while
the portal is being planned again, and a writer killed in between finds the lost job on restart.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

import redis

from portal_spider.cluster.keys import Keys
from portal_spider.registry import Portal

logger = logging.getLogger(__name__)

# LMOVE the oldest job to the active list and take its lease, in one step
CLAIM = """
local raw = redis.call('LMOVE', KEYS[1], KEYS[2], 'LEFT', 'RIGHT')
if not raw then return false end
local job = cjson.decode(raw)['job']
redis.call('SET', ARGV[1] .. job, ARGV[2], 'EX', tonumber(ARGV[3]))
return raw
"""
# extend the lease only while this worker holds it
RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]))
end
return 0
"""
# the worker is done with the job: out of the active list, lease dropped
RELEASE = """
local removed = redis.call('LREM', KEYS[1], 1, ARGV[1])
redis.call('DEL', KEYS[2])
return removed
"""
# the writer takes back a job whose lease expired (only if it still has none): active -> lost
TAKE_BACK = """
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
local removed = redis.call('LREM', KEYS[1], 1, ARGV[1])
if removed == 1 then redis.call('RPUSH', KEYS[3], ARGV[1]) end
return removed
"""


@dataclass
class Job:
    """One run of one portal, as it travels between the writer and a worker."""

    job_id: str
    portal: Portal
    run_id: int
    plan: dict[str, Any]
    settings: dict[str, Any] = field(default_factory=dict)
    attempt: int = 1  # 2 and more: the job of a run lost with its worker, planned again
    raw: str = ""  # the job as stored in Redis (to remove exactly that entry)

    def to_json(self) -> str:
        return json.dumps(
            {
                "job": self.job_id,
                "portal": asdict(self.portal),
                "run_id": self.run_id,
                "plan": self.plan,
                "settings": self.settings,
                "attempt": self.attempt,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, raw: str | bytes) -> Job:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        data = json.loads(text)
        return cls(
            job_id=data["job"],
            portal=Portal(**data["portal"]),
            run_id=int(data["run_id"]),
            plan=data["plan"],
            settings=data.get("settings") or {},
            attempt=int(data.get("attempt") or 1),
            raw=text,
        )


def new_job_id() -> str:
    return uuid.uuid4().hex


class JobQueue:
    """The cluster's lists of wanted portals, waiting jobs and active jobs."""

    def __init__(self, client: redis.Redis, keys: Keys) -> None:
        self.client = client
        self.keys = keys
        self._claim = client.register_script(CLAIM)
        self._renew = client.register_script(RENEW)
        self._release = client.register_script(RELEASE)
        self._take_back = client.register_script(TAKE_BACK)

    # --- enqueue ---------------------------------------------------------------------------------
    def ask(self, portal: Portal, settings: dict[str, Any]) -> None:
        """Ask for a run of ``portal`` (the writer makes it a job)."""
        request = {"portal": asdict(portal), "settings": settings}
        self.client.rpush(self.keys.wanted, json.dumps(request, ensure_ascii=False))

    # --- the writer ------------------------------------------------------------------------------
    def next_wanted(self) -> tuple[str, Portal, dict[str, Any]] | None:
        """The oldest portal asked for (left in the list until :meth:`dispatch`)."""
        raw = self.client.lindex(self.keys.wanted, 0)
        if raw is None:
            return None
        text = raw.decode("utf-8")
        data = json.loads(text)
        return text, Portal(**data["portal"]), data.get("settings") or {}

    def dispatch(
        self, job: Job, wanted_raw: str | None = None, lost_raw: str | None = None
    ) -> None:
        """Put ``job`` in the queue and, in the same transaction, drop the request it answers
        (``wanted_raw``) or the lost job it follows (``lost_raw``)."""
        with self.client.pipeline(transaction=True) as pipe:
            pipe.rpush(self.keys.jobs, job.to_json())
            if wanted_raw is not None:
                pipe.lrem(self.keys.wanted, 1, wanted_raw)
            if lost_raw is not None:
                pipe.lrem(self.keys.lost, 1, lost_raw)
            pipe.execute()

    def drop_wanted(self, wanted_raw: str) -> None:
        """Forget a request without making a job of it."""
        self.client.lrem(self.keys.wanted, 1, wanted_raw)

    def lost_jobs(self) -> list[Job]:
        """The jobs whose lease expired: those of the active list, moved to the lost list now,
        and those a writer killed before it dealt with them left there."""
        for raw in self.client.lrange(self.keys.active, 0, -1):
            job = Job.from_json(raw)
            if self.client.exists(self.keys.lease(job.job_id)):
                continue
            self._take_back(
                keys=[self.keys.active, self.keys.lease(job.job_id), self.keys.lost], args=[raw]
            )
        return [Job.from_json(raw) for raw in self.client.lrange(self.keys.lost, 0, -1)]

    def forget_lost(self, job: Job) -> None:
        """Drop a lost job without queueing the portal again."""
        self.client.lrem(self.keys.lost, 1, job.raw)

    def live_jobs(self) -> list[Job]:
        """The jobs waiting, claimed, or lost and not yet planned again."""
        raws = [
            *self.client.lrange(self.keys.jobs, 0, -1),
            *self.client.lrange(self.keys.active, 0, -1),
            *self.client.lrange(self.keys.lost, 0, -1),
        ]
        return [Job.from_json(raw) for raw in raws]

    def live_run_ids(self) -> set[int]:
        """The runs of the jobs waiting, claimed or lost."""
        return {job.run_id for job in self.live_jobs()}

    def idle(self) -> bool:
        """Nothing asked for, waiting, claimed, or lost and not yet planned again."""
        with self.client.pipeline(transaction=True) as pipe:
            pipe.llen(self.keys.wanted)
            pipe.llen(self.keys.jobs)
            pipe.llen(self.keys.active)
            pipe.llen(self.keys.lost)
            return not any(pipe.execute())

    # --- a worker --------------------------------------------------------------------------------
    def claim(self, worker: str, lease_seconds: int) -> Job | None:
        """Take the oldest waiting job and its lease, or None when none waits."""
        raw = self._claim(
            keys=[self.keys.jobs, self.keys.active],
            args=[self.keys.lease(""), worker, lease_seconds],
        )
        return Job.from_json(raw) if raw is not None else None

    def renew(self, job: Job, worker: str, lease_seconds: int) -> bool:
        """Extend the lease; False when this worker lost it (the job went back to the writer)."""
        return bool(self._renew(keys=[self.keys.lease(job.job_id)], args=[worker, lease_seconds]))

    def release(self, job: Job) -> bool:
        """The job is done: out of the active list; False when it was not there any more."""
        return bool(
            self._release(keys=[self.keys.active, self.keys.lease(job.job_id)], args=[job.raw])
        )
