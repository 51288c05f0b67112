"""`whosbehind tips ...`: the moderators' commands. Decryption happens here, with a private key that never
leaves the moderator's machine (or, over SSH, is piped in with ``--key -`` and kept in memory only)."""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any

import typer

from whosbehind import settings
from whosbehind.errors import WhosbehindError, os_error_text

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="The anonymous tip line: keys, moderators, reading and answering tips, retention.")

TipsDir = Annotated[Path | None, typer.Option("--tips-dir", help="Tip store folder (default: $WHOSBEHIND_TIPS_DIR, "
                                                                  "else 'tips' in your data folder).")]
KeyOption = Annotated[str | None, typer.Option("--key", help="Your private key file, or - to read it from standard "
                                                            "input (default: the file `tips keygen` wrote).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
RECORD_TYPES = ("usaspending_award", "fedramp_product", "ice_facility")


def _errors(command: Callable[..., None]) -> Callable[..., None]:
    @wraps(command)
    def run(*args: Any, **kwargs: Any) -> None:
        try:
            command(*args, **kwargs)
        except WhosbehindError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from None
        except OSError as exc:  # --key naming a folder, a file that cannot be written, a full disk
            typer.echo(f"error: {os_error_text(exc)}", err=True)
            raise typer.Exit(1) from None
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.IntegrityError):  # the code's own mistake, not the person's
                raise
            # the tip store's file is something else or damaged ("file is not a database"), or is locked
            hint = "; check --tips-dir" if "not a database" in str(exc) else ""
            typer.echo(f"error: the tip store: {exc}{hint}", err=True)
            raise typer.Exit(1) from None

    return run


def _store(tips_dir: Path | None) -> Any:
    from whosbehind.tips.store import TipStore, default_tips_dir

    folder = tips_dir or default_tips_dir()
    if folder.exists() and not folder.is_dir():
        raise WhosbehindError(f"{folder}: not a folder (--tips-dir or WHOSBEHIND_TIPS_DIR names the tip store's "
                              "folder)")
    return TipStore(folder)


def _session_file() -> Path:
    from platformdirs import user_state_path

    return user_state_path("whosbehind", appauthor=False) / "tips-session"


def _default_key_file() -> Path:
    from platformdirs import user_config_path

    return user_config_path("whosbehind", appauthor=False) / "tips-moderator.key"


def _signed_in(store: Any) -> str:
    path = _session_file()
    if not path.exists():
        raise WhosbehindError("not signed in: run `whosbehind tips login HANDLE` first")
    return store.session(path.read_text("ascii").strip())


def _private_key(key: str | None) -> bytes:
    from whosbehind.tips import crypto

    if key == "-":
        text = sys.stdin.readline()
    else:
        path = Path(key) if key else _default_key_file()
        if not path.exists():
            raise WhosbehindError(f"{path}: no private key there (make one with `whosbehind tips keygen`)")
        try:
            text = path.read_text("ascii")
        except UnicodeDecodeError:
            raise WhosbehindError(f"{path}: not a private key (`tips keygen` writes one as text)") from None
    passphrase = typer.prompt("passphrase of your private key", hide_input=True) if crypto.is_protected(text) else None
    return crypto.parse_private_key(text, passphrase)


@app.command("keygen")
@_errors
def keygen(
    out: Annotated[Path | None, typer.Option("--out", help="Where to write the private key.")] = None,
    protect: Annotated[bool, typer.Option("--protect", help="Encrypt the key file with a passphrase (asked).")]
    = False,
) -> None:
    """Make a moderator key pair on THIS machine: the private key is written here (owner-only, with --protect
    under a passphrase), the public key printed for the operator (`tips add-moderator`)."""
    from whosbehind.tips import crypto

    path = out or _default_key_file()
    if path.exists():
        raise WhosbehindError(f"{path}: a key is there already; it is never overwritten")
    path.parent.mkdir(parents=True, exist_ok=True)
    passphrase = typer.prompt("passphrase for the key file", hide_input=True, confirmation_prompt=True) \
        if protect else None
    private, public = crypto.new_key_pair()
    crypto.write_private_key(path, private, passphrase)
    typer.echo(f"private key written to {path} (keep it on this machine; without it no tip can be read)", err=True)
    typer.echo(crypto.public_key_text(public))


@app.command("add-moderator")
@_errors
def add_moderator(
    handle: Annotated[str, typer.Argument(help="A handle, not a person's name.")],
    public_key: Annotated[str, typer.Option("--public-key", help="The line `tips keygen` printed, or a file with it.")],
    tips_dir: TipsDir = None,
) -> None:
    """Register a moderator: their public key, a password (asked twice) and a TOTP secret (printed once)."""
    import pyotp

    from whosbehind.tips import crypto

    text = Path(public_key).read_text("ascii") if Path(public_key).is_file() else public_key
    key = crypto.parse_public_key(text)
    password = typer.prompt("password for this moderator", hide_input=True, confirmation_prompt=True)
    secret = _store(tips_dir).add_moderator(handle, key, password)
    typer.echo(f"moderator {handle} added. Put this secret in an authenticator app (TOTP, 30 s); it is shown once:")
    typer.echo(secret)
    typer.echo(pyotp.TOTP(secret).provisioning_uri(name=handle, issuer_name="whosbehind tips"))
    typer.echo("Tips that arrive from now on are sealed to this moderator's key too; earlier ones are not.")


@app.command("login")
@_errors
def login(
    handle: Annotated[str, typer.Argument(help="Your moderator handle.")],
    code: Annotated[str | None, typer.Option("--code", help="The current TOTP code (asked if not given).")] = None,
    tips_dir: TipsDir = None,
) -> None:
    """Sign in with password and TOTP code (each code works once); the session lasts 8 hours."""
    from whosbehind.tips.store import SESSION_HOURS

    password = typer.prompt("password", hide_input=True)
    code = code or typer.prompt("code from your authenticator app")
    token = _store(tips_dir).sign_in(handle, password, code)
    path = _session_file()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(token)
    typer.echo(f"signed in as {handle} for {SESSION_HOURS} hours", err=True)


@app.command("logout")
@_errors
def logout(tips_dir: TipsDir = None) -> None:
    """End the session."""
    path = _session_file()
    if path.exists():
        _store(tips_dir).sign_out(path.read_text("ascii").strip())
        path.unlink()
    typer.echo("signed out", err=True)


@app.command("list")
@_errors
def list_tips(tips_dir: TipsDir = None, as_json: JsonOption = False) -> None:
    """Tips in the store: id, date received, status, files, replies, deletion date. Nothing is decrypted."""
    from dataclasses import asdict

    store = _store(tips_dir)
    _signed_in(store)
    rows = store.list_tips()
    if as_json:
        typer.echo(json.dumps([asdict(r) for r in rows], indent=2))
        return
    if not rows:
        typer.echo("no tips")
    for r in rows:
        until = "kept" if r.kept else f"deleted on {r.delete_on}"
        typer.echo(f"{r.id}  {r.received_on}  {r.status:<8}  {r.attachments} file(s)  {r.replies} reply(ies)  {until}")


@app.command("read")
@_errors
def read(
    tip_id: Annotated[str, typer.Argument(help="The tip's id (see `tips list`).")],
    key: KeyOption = None,
    save_files: Annotated[Path | None, typer.Option("--save-files", help="Write the tip's files to this folder.")]
    = None,
    tips_dir: TipsDir = None,
    as_json: JsonOption = False,
) -> None:
    """Decrypt a tip with your private key and print it (files are written only with --save-files)."""
    store = _store(tips_dir)
    handle = _signed_in(store)
    content = store.read(tip_id, handle, _private_key(key))
    if save_files:
        if save_files.exists() and not save_files.is_dir():
            raise WhosbehindError(f"{save_files}: not a folder (--save-files names the folder the files go to)")
        save_files.mkdir(parents=True, exist_ok=True)
        for a in content.attachments:
            (save_files / a.name).write_bytes(a.content)
    if as_json:
        typer.echo(json.dumps({
            "id": content.id, "received_on": content.received_on, "message": content.message,
            "attachments": [{"name": a.name, "media_type": a.media_type, "bytes": len(a.content),
                             "cleaned": a.cleaned, "not_removed": a.not_removed} for a in content.attachments],
            "replies": [{"written_on": r.written_on, "kind": r.kind, "text": r.text} for r in content.replies],
        }, indent=2, ensure_ascii=False))
        return
    from whosbehind.tips.scrub import WHAT_WAS_DONE

    typer.echo(f"tip {content.id}, received {content.received_on}\n\n{content.message}\n")
    for a in content.attachments:
        cleaned = WHAT_WAS_DONE[a.cleaned] + "; " if a.cleaned else ""
        typer.echo(f"file {a.name} ({len(a.content):,} bytes, {a.media_type}): {cleaned}{WHAT_WAS_DONE[a.not_removed]}")
    for r in content.replies:
        typer.echo(f"\n[{r.kind} {r.written_on}] {r.text}")


@app.command("reply")
@_errors
def reply(
    tip_id: Annotated[str, typer.Argument(help="The tip's id.")],
    text: Annotated[str | None, typer.Argument(help="The reply (else read from standard input).")] = None,
    tips_dir: TipsDir = None,
) -> None:
    """Answer the person who sent the tip: they read it at /tip/status with their codename."""
    store = _store(tips_dir)
    _signed_in(store)
    store.reply(tip_id, text if text is not None else sys.stdin.read())
    typer.echo(f"reply stored for tip {tip_id}", err=True)


@app.command("link")
@_errors
def link(
    tip_id: Annotated[str, typer.Argument(help="The tip's id.")],
    record: Annotated[str, typer.Option("--record", help="The public record: TYPE:ID with TYPE one of "
                                                         + ", ".join(RECORD_TYPES) + ", or a public URL.")],
    note: Annotated[str, typer.Option("--note", help="How the record matches what the tip says.")] = "",
    tell: Annotated[bool, typer.Option("--tell/--no-tell", help="Tell the person which record it was.")] = True,
    tips_dir: TipsDir = None,
) -> None:
    """Link a tip to the public record that confirms it. The record, never the tip, becomes the evidence: this
    prints the `records` entry to add to a curated claim (src/whosbehind/curated/claims/)."""
    store = _store(tips_dir)
    _signed_in(store)
    kind, _, ident = record.partition(":")
    if record.startswith(("https://", "http://")):
        entry = f"# cite it as a source: url: {record}"
    elif kind in RECORD_TYPES and ident:
        entry = f"records:\n  - type: {kind}\n    id: {ident}\n    note: {json.dumps(note or 'how the record matches')}"
    else:
        raise WhosbehindError(f"--record {record!r}: give TYPE:ID (TYPE one of {', '.join(RECORD_TYPES)}) "
                              "or a public https:// URL")
    message = "This tip was checked against a public record"
    message += f": {record}" if tell else "."
    store.reply(tip_id, message, kind="link")
    typer.echo(f"tip {tip_id} linked. The tip stays private; add the public record to a claim (grade of the "
               "record, not D), citing only public sources:", err=True)
    typer.echo(entry)


@app.command("keep")
@_errors
def keep(
    tip_id: Annotated[str, typer.Argument(help="The tip's id.")],
    undo: Annotated[bool, typer.Option("--undo", help="Let retention delete it again.")] = False,
    tips_dir: TipsDir = None,
) -> None:
    """Keep a tip past the retention period (or, with --undo, let it be deleted)."""
    store = _store(tips_dir)
    _signed_in(store)
    store.keep(tip_id, keep=not undo)
    typer.echo(f"tip {tip_id} {'will be deleted with the others' if undo else 'kept'}", err=True)


@app.command("purge")
@_errors
def purge(
    days: Annotated[int | None, typer.Option("--days", min=1, max=settings.MAX_TIPS_RETENTION_DAYS,
                                             help="Retention in days (default: $WHOSBEHIND_TIPS_RETENTION_DAYS, "
                                                  "else 90).")] = None,
    tips_dir: TipsDir = None,
) -> None:
    """Delete the tips older than the retention period that no moderator kept, and destroy their keys.
    Safe to run from cron; the web server also runs it on each new tip."""
    deleted = _store(tips_dir).purge(days=days)
    typer.echo(f"{len(deleted)} tip(s) deleted")


@app.command("moderators")
@_errors
def moderators(tips_dir: TipsDir = None) -> None:
    """Every moderator new tips are sealed to, with their public key: check it against the keys you handed out
    (someone with shell access to the server could have added one)."""
    from whosbehind.tips import crypto

    keys = _store(tips_dir).moderator_keys()
    if not keys:
        typer.echo("no moderator: the tip line does not accept tips")
    for handle, key in sorted(keys.items()):
        typer.echo(f"{handle}  {crypto.public_key_text(key)}")
