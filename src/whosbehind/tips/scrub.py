"""Removing what files say about who made them, before they are encrypted and stored. All in memory.

- Images (JPEG, PNG, WebP, GIF, TIFF, BMP) with Pillow: the pixels are copied into a new image, turned upright
  first, and saved without EXIF (GPS position, camera, serial numbers, time), XMP, IPTC, ICC profile or text
  chunks. An animated image keeps its first frame only.
- PDF with pypdf: the pages are copied into a new document without the document information (author, creator,
  dates) or XMP metadata, of the document and of each page.
- Office files (docx, xlsx, pptx) with the standard library's zipfile: the document properties
  (``docProps/core.xml``, ``app.xml``, ``custom.xml``: author, last editor, company, dates, template) are replaced
  by empty ones and every member's time stamp is reset.

What no tool here can remove is said to the person in plain words (``not_removed``): what the content itself shows
(names, a letterhead, a visible watermark, printer tracking dots in a scan), images and fonts inside a PDF,
comments and tracked changes inside an office document, and anything in other kinds of files, which are stored as
they were sent.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from whosbehind.web.i18n import N_


@dataclass
class Scrubbed:
    content: bytes
    media_type: str
    name: str
    cleaned: str        # a key of WHAT_WAS_DONE: what was removed, "" when nothing
    not_removed: str    # a key of WHAT_WAS_DONE: what could not be


# What was and was not removed from a file, by the key a tip stores (the page translates it, tips/web.py).
WHAT_WAS_DONE = {
    "cleaned_image": N_("hidden details removed (location, camera, time)"),
    "cleaned_pdf": N_("document details removed (author, program, dates)"),
    "cleaned_office": N_("document properties removed (author, company, dates)"),
    "left_image": N_("what the picture itself shows is unchanged"),
    "left_pdf": N_("not removed: images and fonts inside the PDF, and what its pages show"),
    "left_office": N_("not removed: comments, tracked changes, and images inside the document"),
    "left_other": N_("we could not remove anything from this kind of file: it is stored as you sent it"),
}


MAX_PIXELS = 40_000_000  # larger images are not decoded (memory); they are stored as sent, and the person told
IMAGE_FORMATS = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png"), "WEBP": ("image/webp", ".webp")}
OOXML = {".docx", ".xlsx", ".pptx"}
EMPTY_CORE = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
              b' xmlns:dc="http://purl.org/dc/elements/1.1/"/>')
EMPTY_APP = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"/>')


def _safe_name(name: str, n: int, suffix: str) -> str:
    # The original file name can say who made it ("scan_jsmith_0412.pdf"): it is replaced.
    return f"file-{n}{suffix}"


def _suffix(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot >= 0 and len(name) - dot <= 6 else ""


def scrub(name: str, content: bytes, n: int) -> Scrubbed:
    """The cleaned file, a new neutral name, and what was and was not removed."""
    if content.startswith(b"%PDF-"):
        cleaned = _pdf(content)
        if cleaned is not None:
            return Scrubbed(cleaned, "application/pdf", _safe_name(name, n, ".pdf"), "cleaned_pdf", "left_pdf")
    suffix = _suffix(name)
    if content.startswith(b"PK") and suffix in OOXML:
        cleaned = _ooxml(content)
        if cleaned is not None:
            return Scrubbed(cleaned, "application/octet-stream", _safe_name(name, n, suffix), "cleaned_office",
                            "left_office")
    image = _image(content)
    if image is not None:
        data, media_type, ext = image
        return Scrubbed(data, media_type, _safe_name(name, n, ext), "cleaned_image", "left_image")
    return Scrubbed(content, "application/octet-stream", _safe_name(name, n, suffix), "", "left_other")


def _image(content: bytes) -> tuple[bytes, str, str] | None:
    try:
        with Image.open(io.BytesIO(content)) as im:
            if im.width * im.height > MAX_PIXELS:
                return None
            im.load()
            source_format = im.format or ""
            upright = ImageOps.exif_transpose(im)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    mode = upright.mode
    if mode not in ("RGB", "RGBA", "L", "LA"):
        mode = "RGBA" if "A" in mode or upright.info.get("transparency") is not None else "RGB"
        upright = upright.convert(mode)
    # A new image holding only the pixels: no info dict, no EXIF, no ICC profile, no text chunks.
    fresh = Image.frombytes(upright.mode, upright.size, upright.tobytes())
    target = source_format if source_format in IMAGE_FORMATS else "PNG"
    if target == "JPEG" and fresh.mode not in ("RGB", "L"):
        target = "PNG"
    out = io.BytesIO()
    if target == "JPEG":
        fresh.save(out, "JPEG", quality=92)
    else:
        fresh.save(out, target)
    media_type, ext = IMAGE_FORMATS[target]
    return out.getvalue(), media_type, ext


def _pdf(content: bytes) -> bytes | None:
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PyPdfError
    from pypdf.generic import NameObject

    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted:
            return None
        writer = PdfWriter()
        for page in reader.pages:
            added = writer.add_page(page)
            for key in ("/Metadata", "/PieceInfo"):
                if NameObject(key) in added:
                    del added[NameObject(key)]
        writer.metadata = None  # no /Info dictionary at all (not even a producer)
        root = writer._root_object
        for key in ("/Metadata", "/PieceInfo"):
            if NameObject(key) in root:
                del root[NameObject(key)]
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _ooxml(content: bytes) -> bytes | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as src:
            if "[Content_Types].xml" not in src.namelist():
                return None
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
                for item in src.infolist():
                    data = src.read(item)
                    name = item.filename
                    if name == "docProps/core.xml":
                        data = EMPTY_CORE
                    elif name == "docProps/app.xml":
                        data = EMPTY_APP
                    elif name == "docProps/custom.xml":
                        data = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns='
                                b'"http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"/>')
                    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                    info.compress_type = zipfile.ZIP_DEFLATED
                    dst.writestr(info, data)
            return out.getvalue()
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return None

