"""Every WHOSBEHIND_* setting, in one place. Each is read from the environment when it is used, so a command
or a test that sets one sees it; the README lists them.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir


def _get(name: str) -> str | None:
    value = os.environ.get(f"WHOSBEHIND_{name}")
    return value if value not in (None, "") else None


def data_dir() -> Path:
    """The user data folder whosbehind keeps its files in (e.g. ~/.local/share/whosbehind)."""
    return Path(user_data_dir("whosbehind", appauthor=False))


def db_path() -> Path:
    """WHOSBEHIND_DB: the database file, else whosbehind.duckdb in the user data folder."""
    value = _get("DB")
    return Path(value) if value else data_dir() / "whosbehind.duckdb"


def memory_limit() -> str:
    """WHOSBEHIND_MEMORY_LIMIT: DuckDB's memory cap (it spills to disk past it), default 1GB."""
    return _get("MEMORY_LIMIT") or "1GB"


def curated_dir() -> Path | None:
    """WHOSBEHIND_CURATED: a folder of curated ownership, brands and decisions to read instead of the packaged
    ones (to review changes)."""
    value = _get("CURATED")
    return Path(value) if value else None


def claims_dir() -> Path | None:
    """WHOSBEHIND_CLAIMS: a folder of curated claims to read instead of the packaged ones."""
    value = _get("CLAIMS")
    return Path(value) if value else None


def focus() -> tuple[str, ...] | None:
    """WHOSBEHIND_FOCUS: the agencies the web's home page ranks (comma-separated: ICE,CBP)."""
    value = _get("FOCUS")
    return tuple(x.strip() for x in value.split(",") if x.strip()) if value else None


def web_cache() -> int:
    """WHOSBEHIND_WEB_CACHE: answers the web keeps per database version, default 2048; 0 keeps none."""
    return int(_get("WEB_CACHE") or 2048)


def public_url() -> str:
    """WHOSBEHIND_PUBLIC_URL: the base URL printed on pages and one-pagers (else the request's own)."""
    return (_get("PUBLIC_URL") or "").rstrip("/")


def warm_organizations() -> int:
    """WHOSBEHIND_WARM: how many of the organizations paid most the server prepares before it listens."""
    return int(_get("WARM") or 150)


def warm_seconds() -> float:
    """WHOSBEHIND_WARM_SECONDS: the most time that preparation may take."""
    return float(_get("WARM_SECONDS") or 10.0)


def corrections_dir() -> Path:
    """WHOSBEHIND_CORRECTIONS_DIR: the folder where the web keeps requests for corrections (a small SQLite file),
    else corrections/ in the user data folder."""
    value = _get("CORRECTIONS_DIR")
    return Path(value) if value else data_dir() / "corrections"


def products_lexicon() -> Path | None:
    """WHOSBEHIND_PRODUCTS: a product lexicon (YAML) to read instead of the packaged curated/products.yaml."""
    value = _get("PRODUCTS")
    return Path(value) if value else None
