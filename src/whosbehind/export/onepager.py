"""The printable one-pager as PDF: the same HTML as the printable page, laid out by WeasyPrint with the same
stylesheet the browser gets (``web/static/onepager.css``).

A leaflet is one sheet. An organization with many ties, products and sources is laid out again, tighter
(``LAYOUTS``: smaller type, then fewer awards and FedRAMP products, the leaflet saying how many more awards and
products its page has), until it fits on one page; the tightest layout is kept, with a warning in the log, when
even it does not.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

logger = logging.getLogger("whosbehind.export")


@dataclass(frozen=True)
class Layout:
    fit: int  # the page's class, fit-N (onepager.css): 0 as on screen, then smaller type
    awards: int  # largest awards listed
    products: int  # FedRAMP products listed


LAYOUTS = (Layout(0, awards=5, products=3), Layout(1, awards=5, products=3), Layout(2, awards=3, products=2),
           Layout(3, awards=3, products=1), Layout(3, awards=1, products=1))


def pdf(html_in: Callable[[Layout], str]) -> bytes:
    """The PDF of the first of ``LAYOUTS`` that fits on one page, else of the last; ``html_in(layout)`` renders the
    page's HTML in a layout."""
    from weasyprint import CSS, HTML  # imported here: loading Pango takes a moment and only PDFs need it

    css = CSS(string=resources.files("whosbehind.web").joinpath("static", "onepager.css").read_text("utf-8"))
    for layout in LAYOUTS:
        # The page links its stylesheet by a site-relative address, which has no meaning without a server.
        html = html_in(layout).replace('<link rel="stylesheet" href="/static/onepager.css">', "")
        document = HTML(string=html).render(stylesheets=[css])
        if len(document.pages) == 1:
            break
    else:
        logger.warning("one-pager on %s pages even in the tightest layout", len(document.pages))
    return document.write_pdf()
