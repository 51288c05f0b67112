"""The tip line's cryptography, all of it libsodium through PyNaCl.

- A moderator has a Curve25519 key pair. The private key is made and kept on the moderator's machine
  (``whosbehind tips keygen``); the server only ever holds public keys.
- Each tip gets a random 32-byte key of its own. The message and every file are encrypted with it
  (XSalsa20-Poly1305, ``SecretBox``), and the key itself is sealed (``SealedBox``) to each moderator's public key.
  Destroying those sealed copies makes the tip unreadable for good.
- The tip key is also the private key of a per-tip key pair: the moderators' copy of a reply is sealed to its
  public half, so replies die with the tip key too.
- Replies for the person who sent the tip are sealed to a public key whose private half is derived from their
  codename (see ``codenames``): the server can open them only while someone presents the codename.
"""

from __future__ import annotations

import base64
import os
import stat
from pathlib import Path

from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.pwhash import argon2id
from nacl.secret import SecretBox
from nacl.utils import random

from whosbehind.errors import WhosbehindError

KEY_PREFIX = "whosbehind-tips-private-key:"
PROTECTED_PREFIX = "whosbehind-tips-private-key-protected:"
PUBLIC_PREFIX = "whosbehind-tips-public-key:"


class CannotDecrypt(WhosbehindError):
    """This key does not open this tip (a wrong key, or the tip key was destroyed)."""


def new_tip_key() -> bytes:
    return random(SecretBox.KEY_SIZE)


def encrypt(key: bytes, plaintext: bytes) -> bytes:
    return bytes(SecretBox(key).encrypt(plaintext))


def decrypt(key: bytes, ciphertext: bytes) -> bytes:
    try:
        return SecretBox(key).decrypt(ciphertext)
    except CryptoError:
        raise CannotDecrypt("this tip key does not open the stored ciphertext") from None


def seal(public_key: bytes, data: bytes) -> bytes:
    return bytes(SealedBox(PublicKey(public_key)).encrypt(data))


def unseal(private_key: bytes, sealed: bytes) -> bytes:
    try:
        return SealedBox(PrivateKey(private_key)).decrypt(sealed)
    except CryptoError:
        raise CannotDecrypt("this private key does not open it") from None


def public_of(private_key: bytes) -> bytes:
    return bytes(PrivateKey(private_key).public_key)


# Key files: one line of text, so they can be copied, printed on paper or piped over SSH.

def new_key_pair() -> tuple[bytes, bytes]:
    private = PrivateKey.generate()
    return bytes(private), bytes(private.public_key)


def private_key_text(private_key: bytes) -> str:
    return KEY_PREFIX + base64.b64encode(private_key).decode("ascii")


def public_key_text(public_key: bytes) -> str:
    return PUBLIC_PREFIX + base64.b64encode(public_key).decode("ascii")


def _parse(text: str, prefix: str, what: str) -> bytes:
    text = text.strip()
    if not text.startswith(prefix):
        raise WhosbehindError(f"not a whosbehind tips {what} (it should start with {prefix!r})")
    try:
        raw = base64.b64decode(text[len(prefix):], validate=True)
    except ValueError:
        raise WhosbehindError(f"the {what} is not valid base64") from None
    if len(raw) != 32:
        raise WhosbehindError(f"the {what} has {len(raw)} bytes, not 32")
    return raw


def is_protected(text: str) -> bool:
    return text.strip().startswith(PROTECTED_PREFIX)


def parse_private_key(text: str, passphrase: str | None = None) -> bytes:
    """A key file's key; a protected one needs its passphrase (Argon2id, libsodium's moderate limits)."""
    if not is_protected(text):
        return _parse(text, KEY_PREFIX, "private key")
    if passphrase is None:
        raise WhosbehindError("this private key is protected by a passphrase")
    try:
        raw = base64.b64decode(text.strip()[len(PROTECTED_PREFIX):], validate=True)
    except ValueError:
        raise WhosbehindError("the protected private key is not valid base64") from None
    salt, box = raw[:argon2id.SALTBYTES], raw[argon2id.SALTBYTES:]
    try:
        return SecretBox(_passphrase_key(passphrase, salt)).decrypt(box)
    except CryptoError:
        raise WhosbehindError("wrong passphrase for this private key") from None


def _passphrase_key(passphrase: str, salt: bytes) -> bytes:
    return argon2id.kdf(SecretBox.KEY_SIZE, passphrase.encode("utf-8"), salt, opslimit=argon2id.OPSLIMIT_MODERATE,
                        memlimit=argon2id.MEMLIMIT_MODERATE)


def protected_private_key_text(private_key: bytes, passphrase: str) -> str:
    salt = random(argon2id.SALTBYTES)
    box = SecretBox(_passphrase_key(passphrase, salt)).encrypt(private_key)
    return PROTECTED_PREFIX + base64.b64encode(salt + bytes(box)).decode("ascii")


def parse_public_key(text: str) -> bytes:
    return _parse(text, PUBLIC_PREFIX, "public key")


def write_private_key(path: Path, private_key: bytes, passphrase: str | None = None) -> None:
    """Write the key readable by its owner only, protected by a passphrase if one is given; never overwrite."""
    text = protected_private_key_text(private_key, passphrase) if passphrase else private_key_text(private_key)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, stat.S_IRUSR | stat.S_IWUSR)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(text + "\n")
