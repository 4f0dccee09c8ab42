"""``python -m portal_spider`` runs the ``portal-archive`` command line."""

from portal_spider.cli import main

main()
