"""What Haven accepts is decided by content: ordinary files pass, hostile ones are refused or cleaned."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from django.core.files.base import File
from django.test import override_settings
from django.utils import translation
from django.utils.functional import Promise
from PIL import Image, ImageFile
from pypdf import PdfReader, PdfWriter
from pypdf.annotations import Link
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from haven.documents.validation import (
    CheckedFile,
    RefusalCode,
    UploadRefused,
    check_content,
    check_upload,
    clean_file_name,
)
from tests.documents import files
from tests.documents.conftest import upload_file


def refusal(data: bytes) -> RefusalCode:
    with pytest.raises(UploadRefused) as raised:
        check_content(data)
    return raised.value.code


# Ordinary files


def test_a_jpeg_is_accepted_and_measured() -> None:
    checked = check_content(files.jpeg(size=(64, 48)))
    assert (checked.content_type, checked.extension, checked.width, checked.height) == (
        "image/jpeg",
        "jpg",
        64,
        48,
    )
    assert checked.pages is None
    assert Image.open(io.BytesIO(checked.content)).format == "JPEG"


def test_a_png_is_accepted_and_stays_a_png() -> None:
    checked = check_content(files.png(size=(30, 20)))
    assert (checked.content_type, checked.width, checked.height) == ("image/png", 30, 20)
    assert Image.open(io.BytesIO(checked.content)).format == "PNG"


def test_a_png_with_transparency_keeps_it() -> None:
    checked = check_content(files.png(mode="RGBA"))
    assert Image.open(io.BytesIO(checked.content)).mode == "RGBA"


def test_a_pdf_is_kept_byte_for_byte_and_its_pages_counted() -> None:
    data = files.pdf(pages=3)
    checked = check_content(data)
    assert checked.content == data
    assert (checked.content_type, checked.extension, checked.pages) == ("application/pdf", "pdf", 3)
    assert checked.width is None


def test_size_and_fingerprint_are_of_the_stored_bytes() -> None:
    import hashlib

    checked = check_content(files.jpeg_with_gps_exif())
    assert checked.size == len(checked.content)
    assert checked.sha256 == hashlib.sha256(checked.content).hexdigest()


# Names and browser content types are never believed


def test_a_png_named_pdf_with_a_pdf_content_type_is_a_png() -> None:
    uploaded = upload_file("passport.pdf", files.png(), content_type="application/pdf")
    assert check_upload(uploaded).content_type == "image/png"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"Hello, this is plain text pretending to be a photo.\n" * 20, id="text"),
        pytest.param(files.html_page(), id="html"),
        pytest.param(files.svg_with_script(), id="svg"),
        pytest.param(files.gif(), id="gif"),
        pytest.param(b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, id="windows-program"),
    ],
)
def test_other_types_are_refused_whatever_they_are_called(data: bytes) -> None:
    uploaded = upload_file("photo.jpg", data, content_type="image/jpeg")
    with pytest.raises(UploadRefused) as raised:
        check_upload(uploaded)
    assert raised.value.code == RefusalCode.TYPE_NOT_ALLOWED


def test_a_zip_bomb_dressed_as_a_word_document_is_refused_unopened() -> None:
    assert refusal(files.docx_zip_bomb()) == RefusalCode.TYPE_NOT_ALLOWED


# Images are rebuilt from their pixels


def test_exif_with_gps_is_gone_and_the_photo_is_upright() -> None:
    original = files.jpeg_with_gps_exif()
    assert b"SpyPhone" in original
    checked = check_content(original)
    stored = Image.open(io.BytesIO(checked.content))
    assert dict(stored.getexif()) == {}
    assert "exif" not in stored.info
    assert b"Exif" not in checked.content
    assert b"SpyPhone" not in checked.content
    # Orientation 6 (rotate 90°) applied: the 60 x 40 sensor image stands 40 x 60.
    assert stored.size == (40, 60)
    assert (checked.width, checked.height) == (40, 60)


def test_a_script_in_a_jpeg_comment_is_gone() -> None:
    original = files.jpeg_with_comment_script()
    assert files.SCRIPT in original
    checked = check_content(original)
    assert files.SCRIPT not in checked.content
    assert "comment" not in Image.open(io.BytesIO(checked.content)).info


def test_text_chunks_and_xmp_in_a_png_are_gone() -> None:
    original = files.png_with_text_chunks()
    checked = check_content(original)
    assert files.SCRIPT not in checked.content
    assert b"xmpmeta" not in checked.content
    assert b"tEXt" not in checked.content
    assert b"iTXt" not in checked.content


def test_a_jpeg_pdf_polyglot_comes_out_as_a_plain_jpeg() -> None:
    original = files.jpeg_pdf_polyglot()
    checked = check_content(original)
    assert checked.content_type == "image/jpeg"
    assert b"%PDF" not in checked.content
    assert b"JavaScript" not in checked.content
    assert files.SCRIPT not in checked.content
    assert checked.content.endswith(b"\xff\xd9")  # nothing after the end-of-image marker


def test_a_small_header_with_an_oversized_idat_is_decoded_only_as_far_as_the_image() -> None:
    checked = check_content(files.small_png_with_oversized_idat())
    assert (checked.width, checked.height) == (100, 100)
    assert checked.size < 2_000


# Refusals, each with its code


@pytest.fixture
def decoding_spy(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records every full decode Pillow starts."""
    calls: list[str] = []
    original = ImageFile.ImageFile.load

    def load(self):
        calls.append(self.format)
        return original(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    return calls


def test_a_pixel_flood_is_refused_from_its_header_without_decoding(
    decoding_spy: list[str],
) -> None:
    data = files.pixel_flood_png()
    assert len(data) < 200
    assert refusal(data) == RefusalCode.IMAGE_TOO_MANY_PIXELS
    assert decoding_spy == []


def test_a_png_whose_idat_inflates_to_a_pixel_flood_is_refused_without_decoding(
    decoding_spy: list[str],
) -> None:
    data = files.zlib_bomb_png()
    assert len(data) < 100_000  # 50 MB of pixels in under 100 KB
    assert refusal(data) == RefusalCode.IMAGE_TOO_MANY_PIXELS
    assert decoding_spy == []


@override_settings(HAVEN_UPLOAD_MAX_PIXELS=100)
def test_the_pixel_limit_comes_from_settings() -> None:
    assert refusal(files.jpeg(size=(11, 10))) == RefusalCode.IMAGE_TOO_MANY_PIXELS
    assert check_content(files.jpeg(size=(10, 10))).width == 10


def test_a_png_with_a_text_bomb_is_refused_as_damaged() -> None:
    assert refusal(files.png_with_text_bomb()) == RefusalCode.IMAGE_DAMAGED


def test_a_jpeg_cut_in_half_is_refused_as_damaged() -> None:
    assert refusal(files.truncated_jpeg()) == RefusalCode.IMAGE_DAMAGED


def test_a_jpeg_signature_with_nothing_after_it_is_refused_as_damaged() -> None:
    assert refusal(b"\xff\xd8\xff\xe0" + b"\x00" * 64) == RefusalCode.IMAGE_DAMAGED


def test_an_encrypted_pdf_is_refused() -> None:
    assert refusal(files.encrypted_pdf()) == RefusalCode.PDF_ENCRYPTED


def test_a_pdf_encrypted_with_only_an_owner_password_is_refused_too() -> None:
    data = files.encrypted_pdf_without_user_password()
    assert PdfReader(io.BytesIO(data)).is_encrypted
    assert refusal(data) == RefusalCode.PDF_ENCRYPTED


@pytest.mark.parametrize(
    "build",
    [
        files.pdf_with_document_javascript,
        files.pdf_with_open_action_javascript,
        files.pdf_with_javascript_in_a_link,
        files.pdf_with_embedded_file,
    ],
)
def test_a_pdf_with_scripts_or_attached_files_is_refused(build) -> None:
    assert refusal(build()) == RefusalCode.PDF_ACTIVE_CONTENT


@pytest.mark.parametrize("place", files.ACTION_PLACES)
@pytest.mark.parametrize("kind", sorted(files.EXTERNAL_ACTIONS))
def test_a_pdf_with_an_action_that_reaches_outside_it_is_refused(kind: str, place: str) -> None:
    action = files.EXTERNAL_ACTIONS[kind]()
    assert refusal(files.pdf_with_action(action, place)) == RefusalCode.PDF_EXTERNAL_ACTION


@pytest.mark.parametrize("place", files.ACTION_PLACES)
def test_a_pdf_with_a_script_action_is_refused_as_a_script_wherever_it_is(place: str) -> None:
    action = files.pdf_action("/JavaScript", JS=TextStringObject("app.alert(1)"))
    assert refusal(files.pdf_with_action(action, place)) == RefusalCode.PDF_ACTIVE_CONTENT


def test_an_external_action_outside_any_place_a_reader_looks_is_refused_too() -> None:
    # Kept in the document's name tree, where another action could reach it by name.
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    hidden = writer._add_object(files.EXTERNAL_ACTIONS["URI"]())
    writer.root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/Dests"): DictionaryObject({NameObject("/Names"): ArrayObject([hidden])})}
    )
    out = io.BytesIO()
    writer.write(out)
    assert refusal(out.getvalue()) == RefusalCode.PDF_EXTERNAL_ACTION


@pytest.mark.parametrize("place", files.ACTION_PLACES)
@pytest.mark.parametrize("action", [files.internal_link, files.named_next_page])
def test_a_pdf_whose_actions_stay_inside_it_is_accepted(action, place: str) -> None:
    data = files.pdf_with_action(action, place)
    checked = check_content(data)
    assert (checked.content, checked.pages) == (data, 2)


def test_a_pdf_with_an_outline_and_links_made_by_pypdf_is_accepted() -> None:
    """Bookmarks and page links as a scanner's software writes them: destinations, no actions."""
    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(width=595, height=842)
    writer.add_outline_item(title="Passport, photo page", page_number=0)
    writer.add_outline_item(title="Visa page", page_number=2)
    writer.add_annotation(0, Link(rect=(50, 50, 200, 80), target_page_index=2))
    out = io.BytesIO()
    writer.write(out)
    assert check_content(out.getvalue()).pages == 3


def test_the_external_action_message_says_what_to_do_in_the_readers_language() -> None:
    with pytest.raises(UploadRefused) as raised:
        check_content(files.pdf_with_action(files.EXTERNAL_ACTIONS["GoToR"](), "link"))
    message = raised.value.message
    assert str(message).startswith("The PDF contains links or actions that open web addresses")
    with translation.override("ru"):
        assert str(message).startswith("Файл PDF содержит ссылки или действия")


@pytest.mark.parametrize("build", [files.truncated_pdf, files.pdf_header_then_garbage])
def test_a_malformed_pdf_is_refused_as_damaged(build) -> None:
    assert refusal(build()) == RefusalCode.PDF_DAMAGED


@override_settings(HAVEN_UPLOAD_MAX_PDF_PAGES=2)
def test_a_pdf_over_the_page_limit_is_refused() -> None:
    assert check_content(files.pdf(pages=2)).pages == 2
    with pytest.raises(UploadRefused) as raised:
        check_content(files.pdf(pages=3))
    assert raised.value.code == RefusalCode.PDF_TOO_MANY_PAGES
    assert "more than 2 pages" in str(raised.value.message)


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(UploadRefused) as raised:
        check_upload(upload_file("empty.jpg", b""))
    assert raised.value.code == RefusalCode.EMPTY


@override_settings(HAVEN_UPLOAD_MAX_BYTES=1_000)
def test_a_file_over_the_size_limit_is_refused() -> None:
    data = files.png(size=(400, 400))
    assert len(data) > 1_000
    with pytest.raises(UploadRefused) as raised:
        check_upload(upload_file("big.png", data))
    assert raised.value.code == RefusalCode.TOO_LARGE
    assert "1000\xa0bytes" in str(raised.value.message)


class EndlessUpload(File):
    """An upload that claims 10 bytes and never ends: only the count of bytes read is believed."""

    def __init__(self) -> None:
        super().__init__(io.BytesIO(), name="endless.png")
        self.chunks_read = 0

    @property
    def size(self) -> int:
        return 10

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        while True:
            self.chunks_read += 1
            yield b"\x89PNG" + b"\0" * 65_532


@override_settings(HAVEN_UPLOAD_MAX_BYTES=1_000_000)
def test_reading_stops_past_the_limit_whatever_size_the_upload_claims() -> None:
    endless = EndlessUpload()
    with pytest.raises(UploadRefused) as raised:
        check_upload(endless)
    assert raised.value.code == RefusalCode.TOO_LARGE
    assert endless.chunks_read == 16  # 16 x 64 KiB is the first count past 1,000,000 bytes


def test_the_message_says_what_to_do_and_is_translated_when_shown() -> None:
    with pytest.raises(UploadRefused) as raised:
        check_content(b"plain text")
    assert isinstance(raised.value.message, Promise)  # rendered in the reader's language
    assert str(raised.value.message) == (
        "This file is not a JPEG, PNG or PDF file. "
        "Save the scan as a JPEG, PNG or PDF file and upload it again."
    )


@pytest.mark.parametrize("code", list(RefusalCode))
def test_every_code_has_a_message(code: RefusalCode) -> None:
    assert str(UploadRefused(code).message).strip()


def test_checked_file_is_what_gets_stored() -> None:
    checked = CheckedFile(content=b"abc", content_type="image/png", width=1, height=1)
    assert (checked.size, checked.extension) == (3, "png")


# The browser's file name, kept for the receipt only


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("passport.jpg", "passport.jpg"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\Anna Petrova\\Desktop\\паспорт.pdf", "паспорт.pdf"),
        ("invoice\u202egpj.exe", "invoicegpj.exe"),  # right-to-left override removed
        ("a\x00b\r\nc\x1b[31m.png", "abc[31m.png"),
        ("zero\u200bwidth.png", "zerowidth.png"),
        ("  spaced.png  ", "spaced.png"),
        ("", ""),
        (None, ""),
        ("x" * 300 + ".png", "x" * 200),
    ],
)
def test_file_names_are_cleaned(sent: str | None, kept: str) -> None:
    assert clean_file_name(sent) == kept
