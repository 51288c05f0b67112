"""The printable one-pager as PDF: the same HTML as the printable page, laid out by WeasyPrint with the same
stylesheet the browser gets (``web/static/onepager.css``).

A leaflet is one sheet. An organization with many ties, products and sources is laid out again, tighter
(``FIT_LEVELS``: smaller type, then fewer awards and FedRAMP products, the leaflet saying how many more products
its page has), until it fits on one page; the tightest layout is kept even when it does not.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources

# the template's ``fit``: 0 as on screen; 1 smaller type; 2 smaller still, fewer awards and products; 3 one product
FIT_LEVELS = (0, 1, 2, 3)


def pdf(html_at: Callable[[int], str]) -> bytes:
    """The PDF of the first layout that fits on one page; ``html_at(fit)`` renders the page's HTML at a level."""
    from weasyprint import CSS, HTML  # imported here: loading Pango takes a moment and only PDFs need it

    css = CSS(string=resources.files("whosbehind.web").joinpath("static", "onepager.css").read_text("utf-8"))
    for fit in FIT_LEVELS:
        # The page links its stylesheet by a site-relative address, which has no meaning without a server.
        html = html_at(fit).replace('<link rel="stylesheet" href="/static/onepager.css">', "")
        document = HTML(string=html).render(stylesheets=[css])
        if len(document.pages) == 1 or fit == FIT_LEVELS[-1]:
            return document.write_pdf()
    raise AssertionError("unreachable: the last level is always returned")
