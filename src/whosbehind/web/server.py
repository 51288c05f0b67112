"""The app uvicorn imports: the database named by $WHOSBEHIND_DB (set by `whosbehind serve --db`)."""

from __future__ import annotations

from whosbehind.store.db import default_db_path
from whosbehind.web.app import create_app

app = create_app(default_db_path())
