"""The extraction engine: the rules that read an article record from a parsed page of any layout.

Page objects (:mod:`portal_spider.platforms`) call these functions; nothing here knows a CMS family.
See ``portal_spider/platforms/README.md`` for the map of the modules.
"""
