"""Exports of the graph: CSV, Parquet, FollowTheMoney entities (JSON lines) and the printable one-pager."""
