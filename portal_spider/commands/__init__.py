"""Scrapy commands of the project (``COMMANDS_MODULE``), replacing those of the same name."""
