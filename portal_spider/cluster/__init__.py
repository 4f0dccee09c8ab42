"""The cluster mode: crawl workers on any hosts, one writer of the archive, Redis between them.

``portal-archive enqueue`` asks for portals; ``portal-archive ingest`` (the one process that opens
the archive) turns each into a job carrying the portal's crawl plan, and writes what the workers
send back; ``portal-archive worker`` (as many as wanted, on any host) claims jobs and crawls them
with the same spider as a local crawl. See docs/OPERATIONS.md ("A crawl over several machines").

Modules:

* :mod:`~portal_spider.cluster.cli`: the three commands;
* :mod:`~portal_spider.cluster.keys`: the Redis keys;
* :mod:`~portal_spider.cluster.jobs`: the job queue with its leases;
* :mod:`~portal_spider.cluster.snapshot`: a crawl plan as JSON;
* :mod:`~portal_spider.cluster.messages`: what travels on the result stream;
* :mod:`~portal_spider.cluster.worker`, :mod:`~portal_spider.cluster.spider`,
  :mod:`~portal_spider.cluster.remote_state`: a worker and what it crawls with;
* :mod:`~portal_spider.cluster.hostlease`: politeness across the fleet;
* :mod:`~portal_spider.cluster.writer`: the one writer;
* for the demo, the tests and the bench: :mod:`~portal_spider.cluster.local_redis` (a private
  redis-server), :mod:`~portal_spider.cluster.local_run` (a cluster of child processes),
  :mod:`~portal_spider.cluster.demo`, :mod:`~portal_spider.cluster.bench`.
"""
