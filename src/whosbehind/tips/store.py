"""The tip store: two small SQLite files in one folder, written in one transaction.

``tips.sqlite3`` holds ciphertexts, the codename tags, replies and moderator accounts; ``keys.sqlite3`` holds each
tip's key sealed to each moderator. Deleting a tip deletes its sealed keys (SQLite ``secure_delete`` overwrites the
freed pages), so a copy of ``tips.sqlite3`` kept anywhere cannot be read back once the tip is gone; keep
``keys.sqlite3`` out of long-lived backups. Nothing here stores a plaintext, a time of day, an address or a browser.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from whosbehind import settings
from whosbehind.errors import WhosbehindError
from whosbehind.tips import codenames, crypto

MAX_MESSAGE_CHARS = 20_000
MAX_REPLY_CHARS = 5_000
SESSION_HOURS = 8
TOTP_STEP = 30

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS moderators (
    handle TEXT PRIMARY KEY, public_key BLOB NOT NULL UNIQUE, password_hash TEXT NOT NULL,
    totp_secret TEXT NOT NULL, totp_last_step INTEGER NOT NULL DEFAULT 0, active INTEGER NOT NULL DEFAULT 1);
CREATE TABLE IF NOT EXISTS sessions (token_hash BLOB PRIMARY KEY, handle TEXT NOT NULL, expires_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS tips (
    id TEXT PRIMARY KEY, tag BLOB NOT NULL UNIQUE, source_public_key BLOB NOT NULL, tip_public_key BLOB NOT NULL,
    received_on TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'received', kept INTEGER NOT NULL DEFAULT 0,
    message BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS attachments (
    tip_id TEXT NOT NULL REFERENCES tips(id), n INTEGER NOT NULL, info BLOB NOT NULL, content BLOB NOT NULL,
    PRIMARY KEY (tip_id, n));
CREATE TABLE IF NOT EXISTS replies (
    tip_id TEXT NOT NULL REFERENCES tips(id), n INTEGER NOT NULL, written_on TEXT NOT NULL, kind TEXT NOT NULL,
    for_source BLOB NOT NULL, for_moderators BLOB NOT NULL, PRIMARY KEY (tip_id, n));
"""
KEYS_SCHEMA = """
CREATE TABLE IF NOT EXISTS keys.tip_keys (
    tip_id TEXT NOT NULL, moderator TEXT NOT NULL, sealed_key BLOB NOT NULL, PRIMARY KEY (tip_id, moderator));
"""

STATUSES = ("received", "read", "replied", "linked")


class TipLineClosed(WhosbehindError):
    """No moderator key is registered: a tip could not be read by anyone, so none is accepted."""


class SignInRefused(WhosbehindError):
    pass


def default_tips_dir() -> Path:
    return settings.tips_dir()


def retention_days() -> int:
    return settings.tips_retention_days()


def _today() -> date:
    return datetime.now(UTC).date()


@dataclass
class Attachment:
    """A file as it will be stored: already cleaned of the metadata we can remove."""

    name: str
    media_type: str
    content: bytes
    cleaned: str          # what was removed ("" when nothing could be)
    not_removed: str      # what could not be removed, in plain words


@dataclass
class Reply:
    written_on: str
    kind: str             # "reply" or "link"
    text: str


@dataclass
class Status:
    received_on: str
    status: str
    kept: bool
    delete_on: str | None
    replies: list[Reply] = field(default_factory=list)


@dataclass
class TipRow:
    id: str
    received_on: str
    status: str
    kept: bool
    attachments: int
    replies: int
    delete_on: str | None


@dataclass
class TipContent:
    id: str
    received_on: str
    message: str
    attachments: list[Attachment]
    replies: list[Reply]


# At most two Argon2id derivations at once (64 MiB each), whatever the number of requests waiting.
_derivations = threading.BoundedSemaphore(2)


class TipStore:
    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.tips_path = self.folder / "tips.sqlite3"
        self.keys_path = self.folder / "keys.sqlite3"
        self._hasher = PasswordHasher()  # Argon2id, argon2-cffi's RFC 9106 low-memory profile
        self._salt: bytes | None = None
        self._initialized = False

    # -- plumbing ---------------------------------------------------------------------------------------

    @contextmanager
    def _connect(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        if not self.folder.exists():
            self.folder.mkdir(parents=True, mode=0o700)
        con = sqlite3.connect(self.tips_path, timeout=30, isolation_level=None)
        try:
            # Rollback journal, not WAL: a transaction spanning the two files is atomic only this way.
            con.execute("PRAGMA journal_mode=DELETE")
            con.execute("PRAGMA secure_delete=ON")
            con.execute("PRAGMA foreign_keys=ON")
            con.execute("ATTACH DATABASE ? AS keys", (str(self.keys_path),))
            con.execute("PRAGMA keys.secure_delete=ON")
            con.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
        finally:
            con.close()
        for path in (self.tips_path, self.keys_path):
            if path.exists():
                path.chmod(0o600)
        if write:
            self._blur_times()

    def _blur_times(self) -> None:
        """Set the files' and the folder's modification times to midnight (UTC): a file's time would otherwise
        show when the last tip arrived. (The inode change time cannot be set; see the threat model.)"""
        midnight = datetime.combine(_today(), datetime.min.time(), tzinfo=UTC).timestamp()
        for path in (self.tips_path, self.keys_path, self.folder):
            if path.exists():
                os.utime(path, (midnight, midnight))

    def init(self) -> None:
        """Create the folder (owner only), the two files and their tables, once."""
        if self._initialized:
            return
        with self._connect(write=True) as con:
            for statement in (SCHEMA + KEYS_SCHEMA).split(";"):
                if statement.strip():
                    con.execute(statement)
            con.execute("INSERT OR IGNORE INTO meta VALUES ('salt', ?)", (secrets.token_bytes(16),))
            con.execute("INSERT OR IGNORE INTO meta VALUES ('schema', 1)")
        self._initialized = True

    def salt(self) -> bytes:
        if self._salt is None:
            self.init()
            with self._connect() as con:
                self._salt = bytes(con.execute("SELECT value FROM meta WHERE key = 'salt'").fetchone()[0])
        return self._salt

    def _derive(self, codename: str) -> codenames.Derived:
        salt = self.salt()
        with _derivations:
            return codenames.derive(codename, salt)

    # -- moderators ------------------------------------------------------------------------------------

    def add_moderator(self, handle: str, public_key: bytes, password: str) -> str:
        """Register a moderator; returns the TOTP secret for their authenticator app (shown once)."""
        if not handle or not handle.replace("-", "").replace("_", "").isalnum() or len(handle) > 40:
            raise WhosbehindError(f"moderator handle {handle!r}: use letters, digits, - and _ (at most 40)")
        if len(password) < 12:
            raise WhosbehindError("the password must have at least 12 characters")
        self.init()
        secret = pyotp.random_base32()
        with self._connect(write=True) as con:
            if con.execute("SELECT 1 FROM moderators WHERE handle = ?", (handle,)).fetchone():
                raise WhosbehindError(f"moderator {handle!r} exists already")
            if con.execute("SELECT 1 FROM moderators WHERE public_key = ?", (public_key,)).fetchone():
                raise WhosbehindError("this public key belongs to another moderator already")
            con.execute("INSERT INTO moderators (handle, public_key, password_hash, totp_secret) VALUES (?, ?, ?, ?)",
                        (handle, public_key, self._hasher.hash(password), secret))
        return secret

    def moderator_keys(self) -> dict[str, bytes]:
        self.init()
        with self._connect() as con:
            return {h: bytes(k) for h, k in con.execute("SELECT handle, public_key FROM moderators WHERE active = 1")}

    def is_open(self) -> bool:
        return bool(self.moderator_keys())

    def sign_in(self, handle: str, password: str, code: str, *, now: float | None = None) -> str:
        """Password (Argon2id) then TOTP; a code is accepted once. Returns a session token."""
        self.init()
        now = time.time() if now is None else now
        refused = SignInRefused("sign-in refused: wrong moderator, password or code (a code works only once)")
        with self._connect(write=True) as con:
            row = con.execute("SELECT password_hash, totp_secret, totp_last_step FROM moderators "
                              "WHERE handle = ? AND active = 1", (handle,)).fetchone()
            if row is None:
                self._hasher.hash(password)  # the same work whether or not the handle exists
                raise refused
            password_hash, secret, last_step = row
            try:
                self._hasher.verify(password_hash, password)
            except (VerificationError, InvalidHashError):
                raise refused from None
            step = self._matching_step(secret, code, now)
            if step is None or step <= last_step:
                raise refused
            con.execute("UPDATE moderators SET totp_last_step = ? WHERE handle = ?", (step, handle))
            token = secrets.token_urlsafe(32)
            con.execute("DELETE FROM sessions WHERE expires_at < ?", (int(now),))
            con.execute("INSERT INTO sessions VALUES (?, ?, ?)",
                        (hashlib.sha256(token.encode()).digest(), handle, int(now) + SESSION_HOURS * 3600))
        return token

    @staticmethod
    def _matching_step(secret: str, code: str, now: float) -> int | None:
        """The time step whose code this is (the current one or either neighbour, for clock drift)."""
        totp = pyotp.TOTP(secret, interval=TOTP_STEP)
        code = code.strip().replace(" ", "")
        current = int(now) // TOTP_STEP
        found = None
        for step in (current - 1, current, current + 1):
            if hmac.compare_digest(totp.at(step * TOTP_STEP).encode(), code.encode()):
                found = step
        return found

    def session(self, token: str, *, now: float | None = None) -> str:
        """The moderator a session token belongs to; refused when unknown or expired."""
        now = time.time() if now is None else now
        self.init()
        with self._connect() as con:
            row = con.execute("SELECT handle FROM sessions WHERE token_hash = ? AND expires_at >= ?",
                              (hashlib.sha256(token.encode()).digest(), int(now))).fetchone()
        if row is None:
            raise SignInRefused("not signed in (or the session expired): run `whosbehind tips login HANDLE`")
        return row[0]

    def sign_out(self, token: str) -> None:
        with self._connect(write=True) as con:
            con.execute("DELETE FROM sessions WHERE token_hash = ?", (hashlib.sha256(token.encode()).digest(),))

    # -- the person who sends a tip --------------------------------------------------------------------

    def submit(self, message: str, attachments: list[Attachment], *, today: date | None = None,
               lang: str = "en") -> tuple[str, str]:
        """Encrypt and store a tip; returns (codename, tip id), the codename's words in the sender's language. The
        plaintext stays in memory."""
        if not message.strip():
            raise WhosbehindError("the message is empty")
        if len(message) > MAX_MESSAGE_CHARS:
            raise WhosbehindError(f"the message has {len(message):,} characters; at most {MAX_MESSAGE_CHARS:,}")
        moderators = self.moderator_keys()
        if not moderators:
            raise TipLineClosed("the tip line is not open yet: no moderator key is registered")
        codename = codenames.new_codename(lang)
        derived = self._derive(codename)
        source_public = crypto.public_of(derived.seed)
        tip_key = crypto.new_tip_key()
        tip_id = secrets.token_hex(5)
        received_on = (today or _today()).isoformat()
        with self._connect(write=True) as con:
            con.execute("INSERT INTO tips (id, tag, source_public_key, tip_public_key, received_on, message) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        (tip_id, derived.tag, source_public, crypto.public_of(tip_key), received_on,
                         crypto.encrypt(tip_key, message.encode("utf-8"))))
            for n, a in enumerate(attachments, 1):
                info = json.dumps({"name": a.name, "media_type": a.media_type, "cleaned": a.cleaned,
                                   "not_removed": a.not_removed}).encode("utf-8")
                con.execute("INSERT INTO attachments VALUES (?, ?, ?, ?)",
                            (tip_id, n, crypto.encrypt(tip_key, info), crypto.encrypt(tip_key, a.content)))
            for handle, public_key in moderators.items():
                con.execute("INSERT INTO keys.tip_keys VALUES (?, ?, ?)",
                            (tip_id, handle, crypto.seal(public_key, tip_key)))
        return codename, tip_id

    def status(self, codename: str, *, today: date | None = None) -> Status | None:
        """What the person may see with their codename: dates, status, replies. None for a wrong codename."""
        self.init()
        derived = self._derive(codename)
        with self._connect() as con:
            row = con.execute("SELECT id, tag, received_on, status, kept FROM tips WHERE tag = ?",
                              (derived.tag,)).fetchone()
            if row is None or not hmac.compare_digest(bytes(row[1]), derived.tag):
                return None
            tip_id, _, received_on, status, kept = row
            replies = [Reply(w, k, crypto.unseal(derived.seed, bytes(s)).decode("utf-8"))
                       for w, k, s in con.execute("SELECT written_on, kind, for_source FROM replies WHERE tip_id = ? "
                                                  "ORDER BY n", (tip_id,))]
        return Status(received_on=received_on, status=status, kept=bool(kept),
                      delete_on=None if kept else self._delete_on(received_on), replies=replies)

    @staticmethod
    def _delete_on(received_on: str) -> str:
        return (date.fromisoformat(received_on) + timedelta(days=retention_days())).isoformat()

    # -- moderators' work (the CLI checks the session first) -------------------------------------------

    def list_tips(self) -> list[TipRow]:
        self.init()
        with self._connect() as con:
            rows = con.execute(
                "SELECT t.id, t.received_on, t.status, t.kept, "
                "(SELECT count(*) FROM attachments a WHERE a.tip_id = t.id), "
                "(SELECT count(*) FROM replies r WHERE r.tip_id = t.id) FROM tips t ORDER BY t.received_on, t.id"
            ).fetchall()
        return [TipRow(i, d, s, bool(k), a, r, None if k else self._delete_on(d)) for i, d, s, k, a, r in rows]

    def _tip_key(self, con: sqlite3.Connection, tip_id: str, handle: str, private_key: bytes) -> bytes:
        row = con.execute("SELECT sealed_key FROM keys.tip_keys WHERE tip_id = ? AND moderator = ?",
                          (tip_id, handle)).fetchone()
        if row is None:
            raise crypto.CannotDecrypt(f"tip {tip_id}: no key for moderator {handle!r} (the tip was deleted, "
                                       "or it arrived before this moderator was added)")
        return crypto.unseal(private_key, bytes(row[0]))

    def _require_tip(self, con: sqlite3.Connection, tip_id: str) -> tuple[bytes, bytes, str]:
        row = con.execute("SELECT message, source_public_key, received_on FROM tips WHERE id = ?",
                          (tip_id,)).fetchone()
        if row is None:
            raise WhosbehindError(f"no tip {tip_id!r} (see `whosbehind tips list`)")
        return bytes(row[0]), bytes(row[1]), row[2]

    def read(self, tip_id: str, handle: str, private_key: bytes) -> TipContent:
        self.init()
        with self._connect(write=True) as con:
            message, _, received_on = self._require_tip(con, tip_id)
            tip_key = self._tip_key(con, tip_id, handle, private_key)
            files = []
            for info, content in con.execute("SELECT info, content FROM attachments WHERE tip_id = ? ORDER BY n",
                                             (tip_id,)):
                meta = json.loads(crypto.decrypt(tip_key, bytes(info)))
                files.append(Attachment(meta["name"], meta["media_type"], crypto.decrypt(tip_key, bytes(content)),
                                        meta["cleaned"], meta["not_removed"]))
            replies = []
            for w, k, sealed in con.execute("SELECT written_on, kind, for_moderators FROM replies WHERE tip_id = ? "
                                            "ORDER BY n", (tip_id,)):
                replies.append(Reply(w, k, crypto.unseal(tip_key, bytes(sealed)).decode("utf-8")))
            con.execute("UPDATE tips SET status = 'read' WHERE id = ? AND status = 'received'", (tip_id,))
        return TipContent(tip_id, received_on, crypto.decrypt(tip_key, message).decode("utf-8"), files, replies)

    def reply(self, tip_id: str, text: str, *, kind: str = "reply", today: date | None = None) -> None:
        """A reply the person reads with their codename. Needs no private key: it is sealed to public keys."""
        if not text.strip():
            raise WhosbehindError("the reply is empty")
        if len(text) > MAX_REPLY_CHARS:
            raise WhosbehindError(f"the reply has {len(text):,} characters; at most {MAX_REPLY_CHARS:,}")
        self.init()
        with self._connect(write=True) as con:
            self._require_tip(con, tip_id)
            source_public, tip_public = con.execute(
                "SELECT source_public_key, tip_public_key FROM tips WHERE id = ?", (tip_id,)).fetchone()
            n = con.execute("SELECT coalesce(max(n), 0) + 1 FROM replies WHERE tip_id = ?", (tip_id,)).fetchone()[0]
            data = text.encode("utf-8")
            con.execute("INSERT INTO replies VALUES (?, ?, ?, ?, ?, ?)",
                        (tip_id, n, (today or _today()).isoformat(), kind, crypto.seal(bytes(source_public), data),
                         crypto.seal(bytes(tip_public), data)))
            new_status = "linked" if kind == "link" else "replied"
            con.execute("UPDATE tips SET status = ? WHERE id = ? AND status != 'linked'", (new_status, tip_id))

    def keep(self, tip_id: str, keep: bool = True) -> None:
        self.init()
        with self._connect(write=True) as con:
            self._require_tip(con, tip_id)
            con.execute("UPDATE tips SET kept = ? WHERE id = ?", (int(keep), tip_id))

    def purge(self, *, days: int | None = None, today: date | None = None) -> list[str]:
        """Delete every tip older than the retention period and not kept: its sealed keys first."""
        self.init()
        days = retention_days() if days is None else days
        cutoff = ((today or _today()) - timedelta(days=days)).isoformat()
        with self._connect(write=True) as con:
            ids = [r[0] for r in con.execute("SELECT id FROM tips WHERE kept = 0 AND received_on <= ?", (cutoff,))]
            for tip_id in ids:
                con.execute("DELETE FROM keys.tip_keys WHERE tip_id = ?", (tip_id,))
                con.execute("DELETE FROM replies WHERE tip_id = ?", (tip_id,))
                con.execute("DELETE FROM attachments WHERE tip_id = ?", (tip_id,))
                con.execute("DELETE FROM tips WHERE id = ?", (tip_id,))
        return ids
