"""Bringing the database up to date from the internet: USAspending (bulk award download, or the transaction
search with its cursor) and the FedRAMP Marketplace feed. ``run.refresh`` fetches everything first, checks
each source's row count against the count the API itself reports, and only then stores it, in one ingest."""
