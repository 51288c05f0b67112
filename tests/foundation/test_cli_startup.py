"""A command that only reads starts without the build's libraries: resolution (Splink, pandas), the loaders of
evidence (YAML, pydantic models), the lookup index (pyarrow), the registries' HTTP client. Importing them took
about half of `whosbehind top`'s second (benchmarks/RESULTS.md, (d0) and (d)); the ranking itself is a query."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

# Libraries a read command has no use for; each is imported by the commands that write (ingest, build,
# refresh-families) or by the lookup's matcher, when they run.
BUILD_ONLY = {"pyarrow", "pandas", "splink", "httpx", "yaml", "wordfreq", "fingerprints", "weasyprint", "jinja2"}

RUN = """
import json, sys
from whosbehind.cli import app
try:
    app(sys.argv[1:], standalone_mode=False)
finally:
    print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})), file=sys.stderr)
"""


def _modules_after(*argv: str) -> tuple[str, set[str]]:
    done = subprocess.run([sys.executable, "-c", RUN, *argv], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout, set(json.loads(done.stderr.strip().splitlines()[-1]))


def test_top_answers_without_loading_the_build(built_db: Path):
    printed, loaded = _modules_after("top", "--agency", "ICE", "--db", str(built_db), "--json", "--limit", "3")
    rows = json.loads(printed)
    assert len(rows) == 3 and all(r["obligated"] for r in rows)
    assert loaded & BUILD_ONLY == set()


def test_help_lists_every_command_without_loading_the_build():
    printed, loaded = _modules_after("--help")
    for command in ("ingest", "build", "top", "lookup", "refresh", "changes", "watch", "refresh-families", "tips"):
        assert re.search(rf"(?<![\w-]){re.escape(command)}(?![\w-])", printed), command
    assert loaded & BUILD_ONLY == set()
