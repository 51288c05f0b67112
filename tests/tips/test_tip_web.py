"""The /tip pages: what is stored and logged after a submission, headers, limits, languages, no script."""

from __future__ import annotations

import io
import logging
import re
import tempfile
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from samples import LiveServer
from tip_helpers import Moderated, make_app, serve_options
from whosbehind.tips.store import TipStore

MESSAGE = "Our team renewed the hosting order for the agency's case system; the PO is 70CDCR-SECRET-4821."
FILE_MARK = b"ATTACHMENT-BYTES-5F1C9A"
CLIENT_IP = "203.0.113.77"
USER_AGENT = "Mozilla/5.0 (X11; TipTestAgent/9.9)"
REFERER = "https://intranet.example-employer.com/secret-page"
CODENAME = re.compile(r'id="codename">([a-z \-]+)</p>')


def submit(client: TestClient | httpx.Client, message: str = MESSAGE, files: list | None = None,
           **data: str) -> httpx.Response:
    return client.post("/tip", data={"message": message, **data},
                       files=files if files is not None else [("attachment", ("notes.bin", FILE_MARK * 100,
                                                                                "application/octet-stream"))],
                       headers={"User-Agent": USER_AGENT, "Referer": REFERER, "X-Forwarded-For": CLIENT_IP})


def stored_bytes(store: TipStore) -> bytes:
    return b"".join(p.read_bytes() for p in store.folder.rglob("*") if p.is_file())


def test_serve_keeps_no_access_log(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    options = serve_options(monkeypatch, tmp_path / "db.duckdb")
    assert options["access_log"] is False


@pytest.mark.parametrize("operator_logs_access", [False, True], ids=["as-served", "access-log-turned-on"])
def test_stored_data_and_every_log_line_hold_no_message_file_or_client(
        moderated: Moderated, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, operator_logs_access: bool) -> None:
    """A real server, started with the options `whosbehind serve` uses but at the most verbose log level; every
    log record is captured and must match the allow-list below. Second run: an operator's logging setup attaches
    a handler to uvicorn's access logger, which turns the access log back on; its lines still name no client."""
    options = serve_options(monkeypatch, tmp_path / "db.duckdb")
    options["log_level"] = "debug"
    allowed = [
        r"Started server process \[\d+\]", r"Waiting for application startup\.", r"Application startup complete\.",
        r"Uvicorn running on http://127\.0\.0\.1:\d+ \(Press CTRL\+C to quit\)", r"Shutting down",
        r"Waiting for application shutdown\.", r"Application shutdown complete\.",
        r"Finished server process \[\d+\]", r"Waiting for connections to close\. \(CTRL\+C to force quit\)",
        r"Using selector: \w+",
        r' - "(GET|POST) /tip(/status)?(\?lang=(en|es))? HTTP/1\.1" \d{3}',
    ]
    records: list[logging.LogRecord] = []

    class Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    capture = Capture(level=logging.DEBUG)
    with LiveServer(lambda _url: make_app(moderated.store, tmp_path), **options) as server:
        names = ["", "uvicorn", "uvicorn.error", "asyncio", "fastapi", "starlette", "multipart", "python_multipart"]
        loggers = [logging.getLogger(n) for n in [*names, *(["uvicorn.access"] if operator_logs_access else [])]]
        for lg in loggers:
            lg.addHandler(capture)
        try:
            with httpx.Client(base_url=server.url, timeout=30) as client:
                sent = submit(client)
                assert sent.status_code == 200, sent.text
                codename = CODENAME.search(sent.text).group(1)
                status = client.post("/tip/status", data={"codename": codename},
                                     headers={"User-Agent": USER_AGENT, "X-Forwarded-For": CLIENT_IP})
                assert status.status_code == 200
                wrong = client.post("/tip/status", data={"codename": "not my codename"},
                                    headers={"User-Agent": USER_AGENT, "Referer": REFERER})
                assert wrong.status_code == 403
                assert client.get("/tip", headers={"User-Agent": USER_AGENT, "Referer": REFERER}).status_code == 200
        finally:
            server.__exit__()
            for lg in loggers:
                lg.removeHandler(capture)
    lines = [r.getMessage() for r in records]
    assert lines, "the server should have logged its start at debug level"
    assert any("POST /tip" in line for line in lines) == operator_logs_access
    for line in lines:
        assert any(re.fullmatch(pattern, line) for pattern in allowed), f"log line not in the allow-list: {line!r}"
        for secret in (MESSAGE, FILE_MARK.decode(), CLIENT_IP, USER_AGENT, "TipTestAgent", REFERER, codename):
            assert secret not in line
    raw = stored_bytes(moderated.store)
    for secret in (MESSAGE.encode(), FILE_MARK, CLIENT_IP.encode(), USER_AGENT.encode(), REFERER.encode(),
                   b"127.0.0.1", codename.encode()):
        assert secret not in raw
    assert moderated.store.read(moderated.store.list_tips()[0].id, moderated.handle,
                                moderated.private_key).message == MESSAGE


def test_uploads_never_touch_a_temporary_file(moderated: Moderated, tip_client: TestClient,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A 3 MB file is above Starlette's 1 MB in-memory threshold; the tip form keeps it in memory anyway."""
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a temporary file was opened")

    for name in ("TemporaryFile", "NamedTemporaryFile", "mkstemp", "mkdtemp"):
        monkeypatch.setattr(tempfile, name, refuse)
    big = FILE_MARK * (3 * 1024 * 1024 // len(FILE_MARK))
    response = submit(tip_client, files=[("attachment", ("big.bin", big, "application/octet-stream"))])
    assert response.status_code == 200, response.text[:500]
    tip_id = moderated.store.list_tips()[0].id
    assert moderated.store.read(tip_id, moderated.handle, moderated.private_key).attachments[0].content == big


def test_security_headers_and_no_script_on_every_tip_page(tip_client: TestClient) -> None:
    sent = submit(tip_client)
    codename = CODENAME.search(sent.text).group(1)
    pages = [tip_client.get("/tip"), tip_client.get("/tip?lang=es"), sent, tip_client.get("/tip/status"),
             tip_client.post("/tip/status", data={"codename": codename}),
             tip_client.post("/tip/status", data={"codename": "wrong words"}),
             submit(tip_client, message="")]
    for page in pages:
        csp = page.headers["content-security-policy"]
        for directive in ("default-src 'none'", "style-src 'self'", "form-action 'self'", "frame-ancestors 'none'"):
            assert directive in csp
        assert page.headers["referrer-policy"] == "no-referrer"
        assert "no-store" in page.headers["cache-control"]
        assert page.headers["x-frame-options"] == "DENY"
        assert "<script" not in page.text.lower()
        for url in re.findall(r'(?:src|href|action)="([^"]+)"', page.text):
            assert url.startswith(("/", "#")), f"{url} is not on this site"


def test_form_in_english_and_spanish(tip_client: TestClient) -> None:
    en = tip_client.get("/tip")
    es = tip_client.get("/tip?lang=es")
    assert '<html lang="en">' in en.text and '<html lang="es">' in es.text
    assert "What is kept, and what is not" in en.text
    assert "Qué se guarda y qué no" in es.text and "90 días" in es.text
    sent = submit(tip_client, lang="es")
    assert '<html lang="es">' in sent.text and "Su nombre en clave" in sent.text


def test_the_footer_s_correction_link_names_the_tip_page_it_is_on(tip_client: TestClient) -> None:
    """"Ask for a correction" fills the correction form's page field with the page it was clicked on, as on every
    other page of the site, so that the reader need not type the address in."""
    for path in ("/tip", "/tip/status"):
        for lang in ("en", "es"):
            page = tip_client.get(f"{path}?lang={lang}")
            links = re.findall(r'href="(/corrections\?page=[^"]*)"', page.text)
            assert links == [f"/corrections?page={path}"], (path, lang, links)
    tip_client.get("/tip?lang=en")  # the client's language cookie back to English for the tests after


def test_the_spanish_tip_pages_address_the_reader_as_the_site_does(tip_client: TestClient) -> None:
    """The site speaks to its reader as "usted" (web/locales); the tip pages, written in the same catalog, do too,
    from the form to its errors and the status page: no "tú" form in what they say."""
    codename = CODENAME.search(submit(tip_client).text).group(1)
    pages = [tip_client.get("/tip?lang=es"), submit(tip_client, lang="es"),
             tip_client.post("/tip?lang=es", data={"lang": "es", "message": " "}),
             tip_client.post("/tip/status?lang=es", data={"lang": "es", "codename": codename}),
             tip_client.post("/tip/status?lang=es", data={"lang": "es", "codename": "no such words"})]
    said = " ".join(re.sub(r"<[^>]+>", " ", p.text) for p in pages)
    assert "Su mensaje" in said and "Anótelo" in said and "Estado de su pista" in said and "Revise" in said
    # second-person forms only ("usa", "consulta" are also the third person's and the usted imperative's)
    informal = re.findall(r"\b(?:tu|tus|trabajas|sabes|puedes|necesitas|uses|envíes|revisa|vuelve|anótalo|"
                          r"guárdalo|enviaste|deja|tienes|quieres|escribe)\b", said, flags=re.IGNORECASE)
    assert informal == []


def test_a_codename_is_given_in_the_sender_s_language(tip_client: TestClient) -> None:
    """A Spanish speaker gets Spanish words to note down (eight of the BIP-39 Spanish list, about as many codenames
    as seven English words give), and the status page opens with them typed with or without their accents, in any
    case, in either language."""
    import unicodedata

    from whosbehind.tips import codenames

    sent = submit(tip_client, lang="es")
    codename = re.search(r'id="codename">([^<]+)</p>', sent.text).group(1)
    words = codename.split(" ")
    assert len(words) == 8 and set(words) <= set(codenames.wordlist("es")), codename
    # 48 words are in both lists ("iris", "koala"): a Spanish codename may hold some, never only those
    assert not set(words) <= set(codenames.wordlist("en")), codename
    bare = "".join(c for c in unicodedata.normalize("NFKD", codename) if not unicodedata.combining(c))
    for typed, lang in ((codename, "es"), (bare.upper(), "es"), ("-".join(bare.split()), "en")):
        right = tip_client.post(f"/tip/status?lang={lang}", data={"lang": lang, "codename": typed})
        assert right.status_code == 200, (typed, right.text[-300:])
    # the English form still gives seven English words
    english = CODENAME.search(submit(tip_client).text).group(1).split(" ")
    assert len(english) == 7 and set(english) <= set(codenames.wordlist("en"))


def test_wrong_codename_is_refused_on_the_status_page(tip_client: TestClient) -> None:
    codename = CODENAME.search(submit(tip_client).text).group(1)
    wrong = tip_client.post("/tip/status", data={"codename": codename.rsplit(" ", 1)[0] + " zzz"})
    assert wrong.status_code == 403 and "No tip has this codename" in wrong.text
    right = tip_client.post("/tip/status", data={"codename": codename})
    assert right.status_code == 200 and "received, not read yet" in right.text


def test_limits_honeypot_and_closed_line(moderated: Moderated, tip_client: TestClient, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # honeypot: looks like success, nothing stored
    trap = submit(tip_client, website="http://spam.example")
    assert trap.status_code == 200 and CODENAME.search(trap.text)
    assert moderated.store.list_tips() == []
    # empty message
    assert submit(tip_client, message="   ").status_code == 400
    # too large (limit lowered to 1 MB for the test)
    monkeypatch.setenv("WHOSBEHIND_TIPS_MAX_MB", "1")
    big = submit(tip_client, files=[("attachment", ("a.bin", b"x" * (1024 * 1024 + 10), "application/octet-stream"))])
    assert big.status_code == 413 and "too large" in big.text
    monkeypatch.delenv("WHOSBEHIND_TIPS_MAX_MB")
    # too many files
    many = submit(tip_client, files=[("attachment", (f"{i}.txt", b"x", "text/plain")) for i in range(6)])
    assert many.status_code == 400 and "Too many files" in many.text
    # the global bucket, emptied, refuses the next tip without knowing who sent it
    tip_client.app.state.tip_limits.submissions.tokens = 0
    tip_client.app.state.tip_limits.submissions.per_second = 0
    assert submit(tip_client).status_code == 429
    assert moderated.store.list_tips() == []
    # a store without moderators does not take tips
    with TestClient(make_app(TipStore(tmp_path / "closed"), tmp_path)) as closed:
        page = closed.get("/tip")
        assert page.status_code == 503 and "not open yet" in page.text
        assert submit(closed).status_code == 503


def test_status_checks_per_codename_are_limited(tip_client: TestClient) -> None:
    codename = CODENAME.search(submit(tip_client).text).group(1)
    tip_client.app.state.tip_limits.per_codename.limit = 2
    codes = [tip_client.post("/tip/status", data={"codename": codename}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert tip_client.post("/tip/status", data={"codename": "other words"}).status_code == 403


def test_image_upload_page_lists_files_by_neutral_name(tip_client: TestClient) -> None:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "PNG")
    sent = submit(tip_client, files=[("attachment", ("jsmith-badge.png", out.getvalue(), "image/png"))])
    assert "file-1.png" in sent.text and "jsmith" not in sent.text


def test_an_unexpected_error_logs_its_class_only_and_stores_nothing(
        moderated: Moderated, tip_client: TestClient, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    def broken(message: str, attachments: list, **options: str) -> None:
        raise RuntimeError(f"could not store {message!r}")

    monkeypatch.setattr(moderated.store, "submit", broken)
    with caplog.at_level(logging.DEBUG):
        response = submit(tip_client)
    assert response.status_code == 500 and "nothing was stored" in response.text
    assert response.headers["content-security-policy"].startswith("default-src 'none'")
    assert [r.getMessage() for r in caplog.records if r.name.startswith("whosbehind")] == [
        "tip page failed: RuntimeError"]
    assert all(MESSAGE not in r.getMessage() and "Traceback" not in (r.exc_text or "") for r in caplog.records)


def test_a_huge_image_is_not_decoded_and_the_person_is_told() -> None:
    from whosbehind.tips import scrub

    out = io.BytesIO()
    from PIL import Image

    Image.new("1", (8000, 6000)).save(out, "PNG")  # 48 megapixels, a few kB compressed
    cleaned = scrub.scrub("big.png", out.getvalue(), 1)
    assert cleaned.cleaned == "" and cleaned.not_removed == "left_other"
