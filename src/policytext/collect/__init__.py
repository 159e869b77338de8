"""Collecting documents: polite fetching, site recipes and adapters, extraction, the
catalogue, scraping runs and file imports."""
