"""The tip line (src/whosbehind/tips/) in Debian's Chromium with JavaScript turned off: send a tip with a file,
read the codename, check the status page, and after a moderator's reply, read the reply there. No request leaves
the site."""

from __future__ import annotations

from pathlib import Path

from web_fixtures import SMALL_TARGETS, screenshot

from samples import LiveServer
from tip_helpers import make_app, moderated_store


def test_tip_with_javascript_off_codename_status_and_reply(chromium, tmp_path: Path) -> None:
    moderated = moderated_store(tmp_path / "tips")
    shots = tmp_path / "screenshots"
    shots.mkdir()
    evidence = tmp_path / "hosting-order.txt"
    evidence.write_text("order 4471 renewed for the agency\n")
    with LiveServer(lambda _url: make_app(moderated.store, tmp_path), log_level="warning", access_log=False) as server:
        context = chromium.new_context(java_script_enabled=False, viewport={"width": 1000, "height": 900})
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(server.url + "/tip?lang=es")
        assert page.get_attribute("html", "lang") == "es"
        page.click(".lang-switch a[hreflang=en]")  # the language named in itself, as the site's header names it
        assert page.inner_text(".lang-switch") == "Español"
        assert page.get_attribute("html", "lang") == "en"
        assert page.locator("script").count() == 0
        assert page.evaluate(SMALL_TARGETS) == []  # the file chooser too, which the tip line alone shows
        page.fill("#message", "The reseller renewed the case-system hosting order 4471 for the agency.")
        page.set_input_files("#attachment", str(evidence))
        screenshot(page, shots / "tip-form.png")
        page.click("#send")
        page.wait_for_selector("#codename")
        codename = page.inner_text("#codename").strip()
        assert len(codename.split()) == 7
        assert "file-1.txt" in page.inner_text("main")
        screenshot(page, shots / "tip-sent.png")

        page.click("a[href^='/tip/status']")
        page.fill("#codename-input", codename)
        page.click("#check")
        page.wait_for_selector("#tip-state")
        assert page.inner_text("#tip-state") == "received, not read yet"
        assert "No reply yet." in page.inner_text("main")

        tip_id = moderated.store.list_tips()[0].id
        content = moderated.store.read(tip_id, moderated.handle, moderated.private_key)
        assert content.attachments[0].content == evidence.read_bytes()
        moderated.store.reply(tip_id, "Thank you. Which fiscal year was the renewal?")

        page.goto(server.url + "/tip/status")
        page.fill("#codename-input", codename.upper())
        page.click("#check")
        page.wait_for_selector("#replies")
        assert "Which fiscal year was the renewal?" in page.inner_text("#replies")
        assert page.inner_text("#tip-state") == "a moderator replied"
        screenshot(page, shots / "tip-status.png")
        context.close()
    assert requests and all(u.startswith(server.url + "/") for u in requests), requests
