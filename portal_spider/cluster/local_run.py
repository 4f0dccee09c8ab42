"""A whole cluster on this machine: redis-server, a writer and N workers as child processes.

Used by ``make cluster-demo``, the cluster tests and the cluster benchmark. The portals are served
by the caller (on 127.0.0.1); the children are ``python -m portal_spider worker|ingest``, exactly
the commands an operator starts on several machines.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from portal_spider.cluster.jobs import JobQueue
from portal_spider.cluster.keys import Keys, connect
from portal_spider.registry import Portal

logger = logging.getLogger(__name__)

CLI = [sys.executable, "-m", "portal_spider"]


@dataclass
class LocalCluster:
    """Child processes of one cluster; their logs go to files in ``folder``."""

    redis_url: str
    db_path: Path
    folder: Path
    prefix: str = "portal-archive"
    lease_seconds: int = 30
    worker_settings: dict[str, str] = field(default_factory=dict)
    env: dict[str, str] | None = None
    workers: list[subprocess.Popen] = field(default_factory=list)
    writer: subprocess.Popen | None = None
    started: int = 0

    def _start(self, name: str, args: list[str]) -> subprocess.Popen:
        self.started += 1
        log = (self.folder / f"{name}-{self.started}.log").open("w")
        environment = dict(self.env if self.env is not None else os.environ)
        return subprocess.Popen(
            [*CLI, *args], stdout=log, stderr=subprocess.STDOUT, env=environment
        )

    def start_writer(self, until_idle: bool = True) -> subprocess.Popen:
        args = ["ingest", "--redis", self.redis_url, "--prefix", self.prefix]
        args += ["--db", str(self.db_path)]
        if until_idle:
            args.append("--until-idle")
        self.writer = self._start("writer", args)
        return self.writer

    def start_worker(self, until_idle: bool = True, jobs: int = 1) -> subprocess.Popen:
        args = ["worker", "--redis", self.redis_url, "--prefix", self.prefix]
        args += ["--lease", str(self.lease_seconds), "--jobs", str(jobs)]
        for name, value in self.worker_settings.items():
            args += ["--set", f"{name}={value}"]
        if until_idle:
            args.append("--until-idle")
        process = self._start("worker", args)
        self.workers.append(process)
        return process

    def enqueue(self, portals: list[Portal], settings: dict[str, object] | None = None) -> None:
        queue = JobQueue(connect(self.redis_url), Keys(self.prefix))
        for portal in portals:
            queue.ask(portal, dict(settings or {}))

    def wait(self, timeout: float) -> list[int]:
        """Wait for the writer and the workers to exit; their exit statuses (writer first)."""
        processes = [p for p in [self.writer, *self.workers] if p is not None]
        return [p.wait(timeout=timeout) for p in processes]

    def stop(self) -> None:
        """Stop every child still running (SIGTERM, then SIGKILL)."""
        for process in [self.writer, *self.workers]:
            if process is not None and process.poll() is None:
                process.terminate()
        for process in [self.writer, *self.workers]:
            if process is None:
                continue
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def logs(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-4000:]}"
            for path in sorted(self.folder.glob("*.log"))
        )
