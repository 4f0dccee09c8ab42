"""The main-content extractor: an article body's text and HTML from a whole page, any layout."""
