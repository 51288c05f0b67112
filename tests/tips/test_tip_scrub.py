"""Files sent with a tip lose the metadata a well-kept library can remove, and the person is told what stays."""

from __future__ import annotations

import io
import re
import zipfile

from fastapi.testclient import TestClient
from PIL import Image
from pypdf import PdfReader, PdfWriter

from tip_helpers import Moderated
from whosbehind.tips import scrub

GPS_IFD = 0x8825


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "ExampleCam"            # Make
    exif[0x0131] = "Office scanner 4F"     # Software
    exif[0x013B] = "J. Employee"           # Artist
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (44.0, 58.0, 12.5)
    gps[3] = "W"
    gps[4] = (93.0, 15.0, 44.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=90)
    data = out.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD), "the test image should carry GPS tags"
    return data


def test_image_gps_tags_are_gone_from_the_stored_file(moderated: Moderated, tip_client: TestClient) -> None:
    photo = jpeg_with_gps()
    response = tip_client.post("/tip", data={"message": "photo of the server room badge"},
                               files=[("attachment", ("IMG_jdoe_0412.jpg", photo, "image/jpeg"))])
    assert response.status_code == 200, response.text
    assert "hidden details removed" in response.text
    tip_id = moderated.store.list_tips()[0].id
    stored = moderated.store.read(tip_id, moderated.handle, moderated.private_key).attachments[0]
    assert stored.name == "file-1.jpg"          # the original name (which named someone) is not kept
    image = Image.open(io.BytesIO(stored.content))
    assert image.size == (64, 48)
    exif = image.getexif()
    assert not exif.get_ifd(GPS_IFD)
    assert len(exif) == 0
    assert b"J. Employee" not in stored.content and b"ExampleCam" not in stored.content


def test_image_orientation_is_applied_before_exif_is_dropped() -> None:
    image = Image.new("RGB", (60, 20), (0, 0, 0))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    cleaned = scrub.scrub("x.jpg", out.getvalue(), 1)
    assert Image.open(io.BytesIO(cleaned.content)).size == (20, 60)


def test_pdf_author_and_xmp_are_removed_and_the_person_is_told_what_is_not() -> None:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Author": "Jane Q. Employee", "/Creator": "Acme Corp DMS", "/Title": "Q3 hosting"})
    source = io.BytesIO()
    writer.write(source)
    cleaned = scrub.scrub("contract.pdf", source.getvalue(), 2)
    assert cleaned.name == "file-2.pdf" and cleaned.cleaned == "cleaned_pdf" and cleaned.not_removed == "left_pdf"
    reader = PdfReader(io.BytesIO(cleaned.content))
    assert len(reader.pages) == 1
    assert not reader.metadata
    assert b"Jane Q. Employee" not in cleaned.content and b"Acme Corp DMS" not in cleaned.content


def test_office_document_properties_are_removed() -> None:
    core = ('<?xml version="1.0"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
            'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>Jane Q. Employee'
            '</dc:creator></cp:coreProperties>')
    source = io.BytesIO()
    with zipfile.ZipFile(source, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("docProps/core.xml", core)
        z.writestr("docProps/app.xml", "<Properties><Company>Acme Corp</Company></Properties>")
        z.writestr("word/document.xml", "<w:document>the text</w:document>")
    cleaned = scrub.scrub("memo.docx", source.getvalue(), 1)
    assert cleaned.cleaned == "cleaned_office"
    with zipfile.ZipFile(io.BytesIO(cleaned.content)) as z:
        everything = b"".join(z.read(n) for n in z.namelist())
        assert z.read("word/document.xml") == b"<w:document>the text</w:document>"
        assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in z.infolist())
    assert b"Jane Q. Employee" not in everything and b"Acme Corp" not in everything


def test_other_files_are_stored_as_sent_and_the_page_says_so(tip_client: TestClient) -> None:
    response = tip_client.post("/tip", data={"message": "see the export"},
                               files=[("attachment", ("export.csv", b"a,b\n1,2\n", "text/csv"))])
    assert response.status_code == 200
    item = re.search(r"<li><code>file-1\.csv</code>: ([^<]+)</li>", response.text)
    assert item and "could not remove anything" in item.group(1)
