"""Discovery and extraction on portal software the project has no page object for.

A site model learned from the portal itself (:mod:`~portal_spider.discovery.model`): its pages
classified as listing, article or other from their structure (:mod:`.classify`), its sitemaps and
feeds (:mod:`.feeds`), pagers of every common form including WebForms postbacks (:mod:`.links`,
:mod:`.postback`), its canonical URLs (:mod:`.canonical`) and headlines (:mod:`.title`). The
crawler uses it through :class:`~portal_spider.platforms.discovery.DiscoveryPlatform`;
``portal-archive explore`` prints it (:mod:`.explore`).
"""
