"""Everything a crawl run needs beside the spider: its plan, clock, politeness, limits and report.

The plan of a run (:mod:`.plan`) is read from the archive; listing walks page on
(:mod:`.paging`, :mod:`.resume`, :mod:`.frontier`, :mod:`.traps`, :mod:`.limits`); archived
articles come due again (:mod:`.revisits`); one crawl at a time holds the archive (:mod:`.lock`);
:mod:`.runner` starts Scrapy in this process, :mod:`.progress`, :mod:`.monitor` and :mod:`.report`
say how it went. The downloader middlewares and extensions that guard each request are in
:mod:`.downloader`.
"""
