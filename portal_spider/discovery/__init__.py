"""Discovery and extraction on portal software the project has no page object for.

A site model learned from the portal itself (:mod:`~portal_spider.discovery.model`): its pages
classified as listing, article or other from their structure (:mod:`.classify`), its sitemaps and
feeds (:mod:`.feeds`), pagers of every common form including WebForms postbacks (:mod:`.links`,
:mod:`.postback`), its canonical URLs (:mod:`.canonical`) and the site's name in ``<title>``
(:mod:`.title`). The page object :class:`~portal_spider.platforms.discovery.DiscoveryPlatform`
reads a portal with it; :class:`~portal_spider.crawl.discovery.Discovery` keeps the models of a
run's portals for the spider and stores them; ``portal-archive explore`` prints it
(:mod:`.explore`).
"""
