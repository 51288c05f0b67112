"""Shared fixtures: a database built once from the bundled real sample (see samples.py).

The build takes a minute or more. It starts at once, in a process of its own, while the test files that need no
built database run first: the tests are run by pytest-xdist's processes, which share the run's temporary folder.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from samples import Cli, build_once

BUILD = pytest.StashKey[subprocess.Popen]()  # held, so that the process is not let go of while it runs


def _shared_folder(config: pytest.Config) -> Path:
    """The folder every process of this run shares: the controller's temporary folder (a worker's is in it)."""
    base = config._tmp_path_factory.getbasetemp()  # what the tmp_path_factory fixture reads
    folder = (base.parent if hasattr(config, "workerinput") else base) / "built"
    folder.mkdir(exist_ok=True)
    return folder


def _needs_the_build(item: pytest.Item) -> bool:
    return "built_db" in getattr(item, "fixturenames", ())


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Files with no test that needs the build go first, in their order."""
    needing = {item.path for item in items if _needs_the_build(item)}
    items.sort(key=lambda item: item.path in needing)  # stable: each file's tests keep their order


def pytest_collection_finish(session: pytest.Session) -> None:
    """Once the tests are chosen (-k, -m and the like), one process starts the build if any of them needs it."""
    config = session.config
    first = getattr(config, "workerinput", {}).get("workerid", "master") in ("gw0", "master")
    if first and any(_needs_the_build(item) for item in session.items):
        folder = _shared_folder(config)
        code = "import sys; from pathlib import Path; from samples import build_once; build_once(Path(sys.argv[1]))"
        path = os.pathsep.join([str(Path(__file__).parent), os.environ.get("PYTHONPATH", "")])
        env = {**os.environ, "PYTHONPATH": path}
        with open(folder / "build.log", "wb") as log:
            process = subprocess.Popen([sys.executable, "-c", code, str(folder)], env=env, stdout=log,
                                       stderr=subprocess.STDOUT, start_new_session=True)
        (folder / "build.pid").write_text(str(process.pid))
        config.stash[BUILD] = process


def pytest_sessionfinish(session: pytest.Session) -> None:
    """A run that ends before the build does (a few tests chosen by hand) stops it. Done by the controller, once
    every process is through: one that finishes early must not stop a build another waits for."""
    if hasattr(session.config, "workerinput"):
        return
    folder = _shared_folder(session.config)
    started = folder / "build.pid"
    if started.exists() and not (folder / "complete").exists():
        # gone already: it stopped on its own (a failed build: the tests that needed it said why)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(int(started.read_text()), signal.SIGTERM)


@pytest.fixture(scope="session")
def built_db(pytestconfig: pytest.Config) -> Path:
    """The bundled sample, built once per test run (in the background, or here when this process is first)."""
    return build_once(_shared_folder(pytestconfig))


@pytest.fixture(scope="session")
def built(built_db: Path) -> Cli:
    return Cli(built_db)


@pytest.fixture
def fresh(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "fresh.duckdb")
