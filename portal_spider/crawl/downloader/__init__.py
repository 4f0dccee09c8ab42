"""What stands between the spider and a portal's hosts: one module per middleware or extension.

The portal's boundary (:mod:`.boundary`), robots.txt (:mod:`.robots`), a portal's own download
timeout (:mod:`.timeouts`), the per-host circuit breaker (:mod:`.circuit`), Retry-After
(:mod:`.retry_after`) and one log line per connection failure (:mod:`.connection_errors`); their
order is in ``portal_spider.settings``.
"""
