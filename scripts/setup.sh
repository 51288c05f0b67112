#!/usr/bin/env bash
# Set up whosbehind on a fresh machine with Python 3.11, then build the database from the bundled real
# records and show who ICE pays most. Safe to run again: files already stored are recognised and skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[test]"
.venv/bin/whosbehind build
.venv/bin/whosbehind top --agency ICE --limit 15
