"""The tip store: codenames, encryption to the moderators, sign-in with a one-time code, retention."""

from __future__ import annotations

import itertools
import shutil
import sqlite3
from datetime import date, timedelta

import pytest

from tip_helpers import PASSWORD, Moderated
from whosbehind.tips import codenames, crypto
from whosbehind.tips.store import Attachment, SignInRefused, TipStore

MESSAGE = "The reseller hosts the case system for the agency under a second contract number 7X-991."


def test_codename_is_seven_words_of_the_eff_list_and_only_its_hash_is_stored(moderated: Moderated) -> None:
    codename, _tip_id = moderated.store.submit(MESSAGE, [])
    words = codename.split(" ")
    assert len(words) == 7 and set(words) <= set(codenames.wordlist())
    assert len(codenames.wordlist()) == 7776
    other, _ = moderated.store.submit(MESSAGE, [])
    assert other != codename
    raw = moderated.store.tips_path.read_bytes() + moderated.store.keys_path.read_bytes()
    for path in (moderated.store.tips_path, moderated.store.keys_path, moderated.store.folder):
        assert path.stat().st_mtime % 86400 == 0, f"{path.name}'s time shows when the tip arrived"
    # the stored tag is the one the codename derives, and the codename is in the files in no written form: not
    # whole, not two of its words side by side (a single short word can turn up by chance in binary bytes)
    assert moderated.store._derive(codename).tag in raw
    forms = {sep.join(words) for sep in (" ", "-", "", ",", "\n", "\t")}
    forms |= {sep.join(pair) for pair in itertools.pairwise(words) for sep in (" ", "")}
    for form in forms | {f.upper() for f in forms}:
        assert form.encode("utf-8") not in raw and form.encode("utf-16-le") not in raw, form
    # typed differently (capitals, extra spaces, hyphens between words) it still opens the status
    typed = "  " + "-".join(w.upper() for w in words) + " "
    assert moderated.store.status(typed) is not None


def test_wrong_codename_is_refused(moderated: Moderated) -> None:
    codename, _ = moderated.store.submit(MESSAGE, [])
    words = codename.split(" ")
    wrong = " ".join([*words[:-1], "zoom" if words[-1] != "zoom" else "zoology"])
    assert moderated.store.status(wrong) is None
    assert moderated.store.status("") is None
    assert moderated.store.status(codename) is not None


def test_tip_cannot_be_read_without_the_moderators_key(moderated: Moderated) -> None:
    codename, tip_id = moderated.store.submit(MESSAGE, [Attachment("file-1.txt", "text/plain", b"INVOICE-4471",
                                                                   "", "left_other")])
    raw = moderated.store.tips_path.read_bytes() + moderated.store.keys_path.read_bytes()
    assert MESSAGE.encode() not in raw and b"INVOICE-4471" not in raw
    someone_else, _ = crypto.new_key_pair()
    with pytest.raises(crypto.CannotDecrypt):
        moderated.store.read(tip_id, moderated.handle, someone_else)
    # the codename opens the status and replies, never the message
    status = moderated.store.status(codename)
    assert MESSAGE not in repr(status)
    content = moderated.store.read(tip_id, moderated.handle, moderated.private_key)
    assert content.message == MESSAGE
    assert content.attachments[0].content == b"INVOICE-4471"


def test_a_second_moderator_reads_only_tips_that_arrived_after_they_joined(moderated: Moderated) -> None:
    _, before = moderated.store.submit(MESSAGE, [])
    private2, public2 = crypto.new_key_pair()
    moderated.store.add_moderator("desk2", public2, PASSWORD)
    _, after = moderated.store.submit(MESSAGE, [])
    assert moderated.store.read(after, "desk2", private2).message == MESSAGE
    with pytest.raises(crypto.CannotDecrypt):
        moderated.store.read(before, "desk2", private2)


def test_a_reused_totp_code_is_refused(moderated: Moderated) -> None:
    now = 1_900_000_000.0
    code = moderated.totp.at(now)
    token = moderated.store.sign_in(moderated.handle, PASSWORD, code, now=now)
    assert moderated.store.session(token, now=now) == moderated.handle
    with pytest.raises(SignInRefused):
        moderated.store.sign_in(moderated.handle, PASSWORD, code, now=now + 5)
    # an older code (the previous step) is refused too once a newer one was used
    with pytest.raises(SignInRefused):
        moderated.store.sign_in(moderated.handle, PASSWORD, moderated.totp.at(now - 30), now=now + 5)
    # the next step's code works once
    assert moderated.store.sign_in(moderated.handle, PASSWORD, moderated.totp.at(now + 30), now=now + 30)


def test_sign_in_refuses_a_wrong_password_or_code_or_handle(moderated: Moderated) -> None:
    now = 1_900_000_000.0
    with pytest.raises(SignInRefused):
        moderated.store.sign_in(moderated.handle, PASSWORD + "x", moderated.totp.at(now), now=now)
    with pytest.raises(SignInRefused):
        moderated.store.sign_in(moderated.handle, PASSWORD, moderated.totp.at(now - 3600), now=now)
    with pytest.raises(SignInRefused):
        moderated.store.sign_in("nobody", PASSWORD, moderated.totp.at(now), now=now)
    with pytest.raises(SignInRefused):
        moderated.store.session("not-a-token")


def test_reply_reaches_the_codename_holder_only(moderated: Moderated) -> None:
    codename, tip_id = moderated.store.submit(MESSAGE, [])
    other_codename, _ = moderated.store.submit("another tip", [])
    moderated.store.reply(tip_id, "Thank you. Which fiscal year?")
    status = moderated.store.status(codename)
    assert [r.text for r in status.replies] == ["Thank you. Which fiscal year?"]
    assert status.status == "replied"
    assert moderated.store.status(other_codename).replies == []
    assert b"Which fiscal year" not in moderated.store.tips_path.read_bytes()
    assert moderated.store.read(tip_id, moderated.handle, moderated.private_key).replies[0].text.startswith("Thank")


def test_deletion_after_retention_destroys_the_key_even_for_a_backup(moderated: Moderated, tmp_path) -> None:
    store = moderated.store
    today = date(2026, 12, 1)
    _, old = store.submit("old tip", [], today=today - timedelta(days=91))
    _, old_kept = store.submit("old tip kept", [], today=today - timedelta(days=120))
    _, recent = store.submit("recent tip", [], today=today - timedelta(days=10))
    store.keep(old_kept)
    with sqlite3.connect(store.keys_path) as con:
        old_sealed_key = con.execute("SELECT sealed_key FROM tip_keys WHERE tip_id = ?", (old,)).fetchone()[0]
    backup = tmp_path / "backup"
    shutil.copytree(store.folder, backup)             # a backup taken before deletion...

    assert store.purge(days=90, today=today) == [old]
    assert {r.id for r in store.list_tips()} == {old_kept, recent}
    with pytest.raises(Exception, match="no tip"):
        store.read(old, moderated.handle, moderated.private_key)
    assert old_sealed_key not in store.keys_path.read_bytes()   # overwritten, not just unlinked from the b-tree

    # ...whose ciphertexts, read with today's keys file, cannot be opened any more
    (backup / "keys.sqlite3").unlink()
    shutil.copyfile(store.keys_path, backup / "keys.sqlite3")
    restored = TipStore(backup)
    with pytest.raises(crypto.CannotDecrypt):
        restored.read(old, moderated.handle, moderated.private_key)
    assert restored.read(recent, moderated.handle, moderated.private_key).message == "recent tip"


def test_no_tip_is_accepted_before_a_moderator_key_exists(tmp_path) -> None:
    from whosbehind.tips.store import TipLineClosed

    with pytest.raises(TipLineClosed):
        TipStore(tmp_path / "empty").submit(MESSAGE, [])
