"""What a refresh fetched so far, kept beside the database (``<db>.refresh/``) so a killed run goes on where
it stopped: finished files with their sha256, download jobs already requested, search pages already read.
The folder is removed when the run has been stored."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

from whosbehind.refresh.http import Client, Fetched, sha256_of


class RunState:
    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.file = folder / "state.json"
        self.data: dict[str, Any] = json.loads(self.file.read_text("utf-8")) if self.file.exists() else {}

    def get(self, key: str) -> Any:
        return self.data.get(key)

    def put(self, key: str, value: Any) -> None:
        if value is None:
            self.data.pop(key, None)
        else:
            self.data[key] = value
        tmp = self.file.with_name("state.json.tmp")
        tmp.write_text(json.dumps(self.data, indent=1, sort_keys=True), "utf-8")
        os.replace(tmp, self.file)

    def path(self, name: str) -> Path:
        return self.folder / name

    def fetch(self, client: Client, url: str, name: str, what: str) -> Fetched:
        """A file fetched before in this (interrupted) run is used again when its bytes still match."""
        key = f"file:{url}"
        target = self.path(name)
        known = self.get(key)
        if known and target.exists() and sha256_of(target) == known["sha256"]:
            return Fetched(url, target, known["sha256"], known["bytes"], resumed=True)
        fetched = client.download(url, target, what)
        self.put(key, {"sha256": fetched.sha256, "bytes": fetched.bytes, "name": name})
        return fetched

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
