"""`whosbehind tips ...`: a moderator makes a key, is added, signs in with password and code, reads, replies,
links, keeps; purge deletes what retention says."""

from __future__ import annotations

import json
from pathlib import Path

import pyotp
import pytest
from typer.testing import CliRunner

from whosbehind.cli import app
from whosbehind.tips.store import TipStore

PASSWORD = "correct horse battery staple"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"WHOSBEHIND_TIPS_DIR": str(tmp_path / "tips"), "XDG_STATE_HOME": str(tmp_path / "state"),
            "XDG_CONFIG_HOME": str(tmp_path / "config")}


def run(env: dict[str, str], *args: str, input: str | None = None) -> object:
    return CliRunner().invoke(app, ["tips", *args], env=env, input=input, catch_exceptions=False)


def setup_moderator(env: dict[str, str], tmp_path: Path) -> pyotp.TOTP:
    made = run(env, "keygen")
    assert made.exit_code == 0, made.output
    public = made.stdout.strip().splitlines()[-1]
    key_file = tmp_path / "config" / "whosbehind" / "tips-moderator.key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    again = run(env, "keygen")
    assert again.exit_code == 1 and "never overwritten" in again.output
    added = run(env, "add-moderator", "desk1", "--public-key", public, input=f"{PASSWORD}\n{PASSWORD}\n")
    assert added.exit_code == 0, added.output
    return pyotp.TOTP(totp_secret(added.stdout))


def totp_secret(output: str) -> str:
    return next(line for line in output.splitlines() if line.isalnum() and line.isupper())


def test_moderator_reads_replies_links_keeps(env: dict[str, str], tmp_path: Path) -> None:
    totp = setup_moderator(env, tmp_path)
    store = TipStore(Path(env["WHOSBEHIND_TIPS_DIR"]))
    codename, tip_id = store.submit("The bank's ICE facility loan was refinanced in March.", [])

    refused = run(env, "list")
    assert refused.exit_code == 1 and "not signed in" in refused.output
    code = totp.now()
    signed = run(env, "login", "desk1", "--code", code, input=f"{PASSWORD}\n")
    assert signed.exit_code == 0, signed.output
    reused = run(env, "login", "desk1", "--code", code, input=f"{PASSWORD}\n")
    assert reused.exit_code == 1
    assert reused.output.strip().splitlines()[-1].startswith("error: sign-in refused")

    listed = json.loads(run(env, "list", "--json").stdout)
    assert [t["id"] for t in listed] == [tip_id] and listed[0]["status"] == "received"
    read = run(env, "read", tip_id, "--json")
    assert read.exit_code == 0, read.output
    assert json.loads(read.stdout)["message"] == "The bank's ICE facility loan was refinanced in March."

    assert run(env, "reply", tip_id, "Thank you. Do you know the lender's name?").exit_code == 0
    linked = run(env, "link", tip_id, "--record", "usaspending_award:CONT_AWD_X_7012", "--note", "same facility")
    assert linked.exit_code == 0, linked.output
    assert "type: usaspending_award" in linked.stdout and "id: CONT_AWD_X_7012" in linked.stdout
    bad = run(env, "link", tip_id, "--record", "a rumour")
    assert bad.exit_code == 1 and "TYPE:ID" in bad.output

    status = store.status(codename)
    assert status.status == "linked"
    assert [r.kind for r in status.replies] == ["reply", "link"]
    assert "CONT_AWD_X_7012" in status.replies[1].text

    listed_moderators = run(env, "moderators").stdout.strip().splitlines()
    assert len(listed_moderators) == 1 and listed_moderators[0].startswith("desk1  whosbehind-tips-public-key:")
    assert run(env, "keep", tip_id).exit_code == 0
    assert json.loads(run(env, "list", "--json").stdout)[0]["kept"] is True
    assert run(env, "logout").exit_code == 0
    assert run(env, "list").exit_code == 1


def test_read_with_another_key_fails_in_one_line(env: dict[str, str], tmp_path: Path) -> None:
    totp = setup_moderator(env, tmp_path)
    store = TipStore(Path(env["WHOSBEHIND_TIPS_DIR"]))
    _, tip_id = store.submit("a tip", [])
    assert run(env, "login", "desk1", "--code", totp.now(), input=f"{PASSWORD}\n").exit_code == 0
    other = tmp_path / "other.key"
    assert run(env, "keygen", "--out", str(other)).exit_code == 0
    result = run(env, "read", tip_id, "--key", str(other))
    assert result.exit_code == 1
    assert result.output.strip() == "error: this private key does not open it"


def test_purge_deletes_tips_past_retention(env: dict[str, str], tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    setup_moderator(env, tmp_path)
    store = TipStore(Path(env["WHOSBEHIND_TIPS_DIR"]))
    today = datetime.now(UTC).date()
    store.submit("old", [], today=today - timedelta(days=40))
    store.submit("new", [], today=today - timedelta(days=5))
    result = run({**env, "WHOSBEHIND_TIPS_RETENTION_DAYS": "30"}, "purge")
    assert result.exit_code == 0 and result.stdout.strip() == "1 tip(s) deleted"
    assert len(store.list_tips()) == 1
    bad = run({**env, "WHOSBEHIND_TIPS_RETENTION_DAYS": "soon"}, "purge")
    assert bad.exit_code == 1
    assert bad.output.strip() == ("error: WHOSBEHIND_TIPS_RETENTION_DAYS is 'soon': give a whole number of at least 1 "
                                  "and at most 36,500")


def _one_line(result) -> str:
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    return lines[0]


def test_paths_the_tip_line_cannot_use_fail_in_one_line(env: dict[str, str], tmp_path: Path) -> None:
    """A tips folder that is a file or holds another kind of file, a key that is a folder or not text, and a folder
    for a tip's files that is a file were tracebacks."""
    totp = setup_moderator(env, tmp_path)
    store = TipStore(Path(env["WHOSBEHIND_TIPS_DIR"]))
    _, tip_id = store.submit("a tip", [])
    assert run(env, "login", "desk1", "--code", totp.now(), input=f"{PASSWORD}\n").exit_code == 0
    binary = tmp_path / "photo.jpg"
    binary.write_bytes(bytes(range(256)))
    assert "photo.jpg: not a private key" in _one_line(run(env, "read", tip_id, "--key", str(binary)))
    assert _one_line(run(env, "read", tip_id, "--key", str(tmp_path))) == f"error: {tmp_path}: Is a directory"
    key = tmp_path / "config" / "whosbehind" / "tips-moderator.key"
    line = _one_line(run(env, "read", tip_id, "--key", str(key), "--save-files", str(binary)))
    assert line == f"error: {binary}: not a folder (--save-files names the folder the files go to)"
    line = _one_line(run({**env, "WHOSBEHIND_TIPS_DIR": str(binary)}, "purge"))
    assert line.startswith(f"error: {binary}: not a folder"), line
    other = tmp_path / "other-tips"
    other.mkdir()
    TipStore(other).tips_path.write_bytes(bytes(range(256)) * 64)
    line = _one_line(run({**env, "WHOSBEHIND_TIPS_DIR": str(other)}, "purge"))
    assert line == "error: the tip store: file is not a database; check --tips-dir", line


def test_a_passphrase_protected_key_reads_only_with_its_passphrase(env: dict[str, str], tmp_path: Path) -> None:
    protected = tmp_path / "protected.key"
    made = run(env, "keygen", "--out", str(protected), "--protect", input="river otter lamp\nriver otter lamp\n")
    assert made.exit_code == 0, made.output
    assert b"whosbehind-tips-private-key-protected:" in protected.read_bytes()
    public = made.stdout.strip().splitlines()[-1]
    added = run(env, "add-moderator", "desk9", "--public-key", public, input=f"{PASSWORD}\n{PASSWORD}\n")
    assert added.exit_code == 0, added.output
    totp = pyotp.TOTP(totp_secret(added.stdout))
    _, tip_id = TipStore(Path(env["WHOSBEHIND_TIPS_DIR"])).submit("protected tip", [])
    assert run(env, "login", "desk9", "--code", totp.now(), input=f"{PASSWORD}\n").exit_code == 0
    wrong = run(env, "read", tip_id, "--key", str(protected), input="river otter\n")
    assert wrong.exit_code == 1 and wrong.output.strip().endswith("error: wrong passphrase for this private key")
    right = run(env, "read", tip_id, "--key", str(protected), "--json", input="river otter lamp\n")
    assert right.exit_code == 0, right.output
    assert '"message": "protected tip"' in right.stdout
