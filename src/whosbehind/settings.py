"""Every WHOSBEHIND_* setting, in one place. Each is read from the environment when it is used, so a command
or a test that sets one sees it; the README lists them.
"""

from __future__ import annotations

import math
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
    return int(_number("WEB_CACHE", 2048, whole=True))


def public_url() -> str:
    """WHOSBEHIND_PUBLIC_URL: the base URL printed on pages and one-pagers (else the request's own)."""
    return (_get("PUBLIC_URL") or "").rstrip("/")


def corrections_dir() -> Path:
    """WHOSBEHIND_CORRECTIONS_DIR: the folder where the web keeps requests for corrections (a small SQLite file),
    else corrections/ in the user data folder."""
    value = _get("CORRECTIONS_DIR")
    return Path(value) if value else data_dir() / "corrections"


def tips_dir() -> Path:
    """WHOSBEHIND_TIPS_DIR: the tip line's store (tips.sqlite3, keys.sqlite3), else 'tips' in the user data
    folder."""
    value = _get("TIPS_DIR")
    return Path(value) if value else data_dir() / "tips"


MAX_TIPS_RETENTION_DAYS = 36_500  # `tips purge --days` has the same bound


def tips_retention_days() -> int:
    """WHOSBEHIND_TIPS_RETENTION_DAYS: days a tip is kept unless a moderator keeps it, default 90, at most a century
    (a bound of sense: a billion days is past the last date Python can write)."""
    return int(_number("TIPS_RETENTION_DAYS", 90, whole=True, least=1, most=MAX_TIPS_RETENTION_DAYS))


def tips_max_mb() -> int:
    """WHOSBEHIND_TIPS_MAX_MB: the largest tip form, files included, in MB (default 10)."""
    return int(_number("TIPS_MAX_MB", 10, whole=True, above=True))


def products_lexicon() -> Path | None:
    """WHOSBEHIND_PRODUCTS: a product lexicon (YAML) to read instead of the packaged curated/products.yaml."""
    value = _get("PRODUCTS")
    return Path(value) if value else None


# Fresh data (refresh/): where the sources are fetched from, and how patiently.
USASPENDING_API = "https://api.usaspending.gov"
# the registries `whosbehind refresh-families` asks (sources/registries.py; --gleif-url and --usaspending-url
# name others)
USASPENDING_API_V2 = USASPENDING_API + "/api/v2"
GLEIF_API_V1 = "https://api.gleif.org/api/v1"


def usaspending_api() -> str:
    """WHOSBEHIND_USASPENDING_API: the USAspending API's base URL (tests point it at a local server)."""
    return (_get("USASPENDING_API") or USASPENDING_API).rstrip("/")


def fedramp_url() -> str:
    """WHOSBEHIND_FEDRAMP_URL: the FedRAMP Marketplace data.json to fetch."""
    return _get("FEDRAMP_URL") or "https://raw.githubusercontent.com/GSA/marketplace-fedramp-gov-data/main/data.json"


def http_timeout() -> float:
    """WHOSBEHIND_HTTP_TIMEOUT: seconds a request may wait for an answer or the next bytes, default 60."""
    return _number("HTTP_TIMEOUT", 60.0, above=True)


def http_retries() -> int:
    """WHOSBEHIND_HTTP_RETRIES: how often a 5xx, 429, timeout or cut connection is retried, default 4."""
    return int(_number("HTTP_RETRIES", 4, whole=True))


def http_backoff() -> float:
    """WHOSBEHIND_HTTP_BACKOFF: seconds before the first retry, doubled for each next one, default 2."""
    return _number("HTTP_BACKOFF", 2.0)


def poll_seconds() -> float:
    """WHOSBEHIND_POLL_SECONDS: seconds between looks at a USAspending download's status, default 15."""
    return _number("POLL_SECONDS", 15.0, above=True)


def poll_limit() -> float:
    """WHOSBEHIND_POLL_LIMIT: seconds to wait for a download to be ready before stopping (a later run goes on
    waiting for the same file), default 7200."""
    return _number("POLL_LIMIT", 7200.0)


def _number(name: str, default: float, *, whole: bool = False, above: bool = False, least: float = 0.0,
            most: float = math.inf) -> float:
    """A numeric setting: at least ``least`` (above it when ``above``), at most ``most``, finite, whole when
    ``whole``; anything else is refused in one line naming the setting (a negative timeout or a NaN would otherwise
    reach the code that waits or retries)."""
    value = _get(name)
    if value is None:
        return default
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if (not math.isfinite(number) or number < least or (above and number == least) or number > most
            or (whole and not number.is_integer())):
        from whosbehind.errors import WhosbehindError

        kind = "a whole number" if whole else "a number"
        bound = f"above {least:g}" if above else f"of at least {least:g}"
        if math.isfinite(most):
            bound += f" and at most {most:,g}"
        # a value pasted by mistake may be thousands of characters long: its start is enough to recognise it
        shown = repr(value) if len(value) <= 40 else f"{value[:40]!r}... ({len(value):,} characters)"
        raise WhosbehindError(f"WHOSBEHIND_{name} is {shown}: give {kind} {bound}")
    return number


def lock_timeout() -> float:
    """WHOSBEHIND_LOCK_TIMEOUT: seconds a second ingest or build waits for the one writing the database, default
    600; 0 refuses at once."""
    return _number("LOCK_TIMEOUT", 600.0)


def zip_max_ratio() -> float:
    """WHOSBEHIND_ZIP_MAX_RATIO: how many times its compressed size a zip member may expand to, default 100."""
    return _number("ZIP_MAX_RATIO", 100.0, least=1.0)


# The web server's limits (web/limits.py), each WHOSBEHIND_<NAME>, with its default.
WEB_LIMITS = {
    "HEADER_TIMEOUT": 30.0,  # seconds for a request's headers to arrive
    "MAX_HEADER_BYTES": 16 * 1024.0,
    "KEEP_ALIVE": 5.0,  # seconds an idle kept-alive connection stays open
    "BODY_TIMEOUT": 60.0,  # seconds for a request's body to arrive
    "MAX_BODY": 2 * 1024 * 1024.0,
    "MAX_UPLOAD": 6 * 1024 * 1024.0,  # the check-a-list form (a 5 MB file)
    "MAX_CONNECTIONS": 0.0,  # 0: as many as the open-file limit allows
    "CHECK_SLOTS": 1.0,  # lists of names checked at once
    "CHECK_WAIT": 60.0,  # seconds a list waits for a slot
}


def check_web() -> None:
    """Read every setting of the web app and server, so that `serve` refuses one it cannot use before it listens
    (the app reads some as it starts, web/limits.py the limits once, as it is imported)."""
    web_cache(), tips_max_mb(), tips_retention_days()
    for name in WEB_LIMITS:
        web_limit(name)


def web_limit(name: str) -> float:
    """WHOSBEHIND_HEADER_TIMEOUT, _MAX_HEADER_BYTES, _KEEP_ALIVE, _BODY_TIMEOUT, _MAX_BODY, _MAX_UPLOAD,
    _MAX_CONNECTIONS, _CHECK_SLOTS, _CHECK_WAIT: the web server's limits (defaults in WEB_LIMITS)."""
    # a connection cap and a wait may be 0 (none, no wait); a timeout, a size or a number of slots may not
    return _number(name, WEB_LIMITS[name], above=name not in ("MAX_CONNECTIONS", "CHECK_WAIT"),
                   whole=name not in ("HEADER_TIMEOUT", "KEEP_ALIVE", "BODY_TIMEOUT", "CHECK_WAIT"))
