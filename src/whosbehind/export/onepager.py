"""The printable one-pager as PDF: the same HTML as the printable page, laid out by WeasyPrint with the same
stylesheet the browser gets (``web/static/onepager.css``)."""

from __future__ import annotations

from importlib import resources


def pdf(html: str) -> bytes:
    from weasyprint import CSS, HTML  # imported here: loading Pango takes a moment and only PDFs need it

    css = resources.files("whosbehind.web").joinpath("static", "onepager.css").read_text("utf-8")
    # The page links its stylesheet by a site-relative address, which has no meaning without a server.
    html = html.replace('<link rel="stylesheet" href="/static/onepager.css">', "")
    return HTML(string=html).write_pdf(stylesheets=[CSS(string=css)])
