"""Values shared by the web tests."""

from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

# The one value changed in the HTML-name database: a real row's recipient name, rewritten to carry markup.
HTML_NAME = '<script>window.pwned=1</script><b>ACME</b> & "SONS" <img src=x onerror=alert(1)> LLC'

# The controls of a form smaller than WCAG 2.2's minimum target (2.5.8: 24 by 24 CSS pixels), as
# [tag, type, name, width, height]: a file chooser or a checkbox a thumb cannot hit on a phone.
# The tip form's trap for robots (.hp) is kept off the screen on purpose.
SMALL_TARGETS = """() => [...document.querySelectorAll('main :is(input:not([type=hidden]), button, select, textarea)')]
  .filter(e => e.offsetParent !== null && !e.closest('.hp'))
  .map(e => { const r = e.getBoundingClientRect();
              return [e.tagName, e.type || '', e.name || e.id, Math.round(r.width), Math.round(r.height)]; })
  .filter(([, , , width, height]) => width < 24 || height < 24)"""


def screenshot(page: Page, path: Path, *, full_page: bool = True) -> None:
    """A screenshot, to look at; what a test asserts is measured on the page, not on the picture. Headless Chromium
    sometimes answers "Unable to capture screenshot" for a whole long page (twice running for the 1366 px one-pager, on
    a clean clone, while the page itself was served and laid out): it is asked twice more after a pause, then for the
    visible part alone."""
    for attempt in range(3):
        try:
            page.screenshot(path=str(path), full_page=full_page)
            return
        except PlaywrightError as exc:
            if "Unable to capture screenshot" not in str(exc):
                raise
            page.wait_for_timeout(250 * (attempt + 1))
    page.screenshot(path=str(path), full_page=False)
