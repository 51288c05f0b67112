"""The printable one-pager as PDF: the same HTML as the printable page, laid out by WeasyPrint."""

from __future__ import annotations


def pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported here: loading Pango takes a moment and only PDFs need it

    return HTML(string=html).write_pdf()
