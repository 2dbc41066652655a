"""Is an uploaded file one Haven accepts? Decided by its content, never by its name.

Only JPEG, PNG and PDF are accepted. The type is detected from the first
bytes (``filetype``) and then confirmed by parsing the whole file: Pillow
decodes images fully, pypdf reads every page of a PDF.

Images are then re-encoded from their pixels alone, upright (the EXIF
orientation applied) and with no metadata: no EXIF (so no GPS position or
camera serial), no XMP, no ICC profile, no comments or text chunks, and
nothing a file may carry after its image data. Whatever else a hostile file
hid in itself (a script, a second file) does not survive.

PDFs are kept byte for byte, since re-writing them could change what the
applicant signed or scanned; instead any PDF that is encrypted, damaged,
too long, or carries scripts or attached files is refused, and so is one with
an action that reaches outside the document (a web address, another file, a
network share, a program, a form sent or data imported, a media player): an
official's PDF reader may follow it. Links within the document (``/GoTo``)
and named navigation (``/Named``: next page, first page...) are fine.

Every refusal is an ``UploadRefused`` with a stable code and a message for
the applicant saying what to do.
"""

from __future__ import annotations

import enum
import hashlib
import io
import unicodedata
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import filetype
from django.conf import settings
from django.core.files.base import File
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from PIL import Image, ImageFile, ImageOps
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, PdfObject

from haven.documents.models import EXTENSIONS

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

JPEG = "image/jpeg"
PNG = "image/png"
PDF = "application/pdf"
ACCEPTED_TYPES = (JPEG, PNG, PDF)

# Pillow's own guard, for every image it opens in this process: a warning above the
# limit (which ``_open_image`` turns into an error) and an error above twice the limit.
# Checked again below against the setting as it is at the time of each upload.
Image.MAX_IMAGE_PIXELS = settings.HAVEN_UPLOAD_MAX_PIXELS

# Enough for filetype's signatures (it reads at most 8 KiB).
_SNIFF_BYTES = 8192
_JPEG_QUALITY = 90
_JPEG_MODES = frozenset({"L", "RGB", "CMYK"})
_PNG_MODES = frozenset({"1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"})
# A PDF of a few scanned pages has some hundreds of objects; far more means trouble.
_PDF_MAX_OBJECTS = 100_000
# What makes a PDF run a script or carry another file inside it: as keys anywhere (a
# script, an attached file, an XFA form), or as the value of /S, /Type or /Subtype (an
# action or annotation of that kind).
_PDF_ACTIVE_KEYS = frozenset(
    {"/JavaScript", "/JS", "/EmbeddedFiles", "/EF", "/XFA", "/RichMediaContent"}
)
_PDF_ACTIVE_VALUES = frozenset(
    {"/JavaScript", "/EmbeddedFile", "/FileAttachment", "/RichMedia", "/GoToE"}
)
# Actions that reach outside the document, refused wherever they stand (as the value of
# /S, /Type or /Subtype): a web address, a page of another file (a UNC path leaks the
# official's Windows credentials to its server), a program, a media player, a form sent
# or data imported from elsewhere.
_PDF_EXTERNAL_VALUES = frozenset(
    {"/URI", "/GoToR", "/Launch", "/Rendition", "/SubmitForm", "/ImportData"}
)
_PDF_TYPE_KEYS = frozenset({"/S", "/Type", "/Subtype"})
# Where a PDF reader finds an action to take: the catalog's /OpenAction, the /A of a link,
# an outline item or a form field, the action after an action (/Next, one or an array),
# and the trigger events of the catalog, a page, an annotation or a field (/AA, a
# dictionary of actions). An action there must be one of the few that stay inside the
# document; any other kind (those above, and /Sound, /Movie, /Thread, 3D and rich-media
# actions...) is refused, so a kind this list does not know is refused too.
_PDF_ACTION_KEYS = frozenset({"/OpenAction", "/A", "/Next"})
_PDF_TRIGGER_KEYS = frozenset({"/AA"})
_PDF_INTERNAL_ACTIONS = frozenset(
    {"/GoTo", "/Named", "/Hide", "/ResetForm", "/SetOCGState", "/Trans"}
)


class RefusalCode(enum.StrEnum):
    TOO_LARGE = "TOO_LARGE"
    EMPTY = "EMPTY"
    TYPE_NOT_ALLOWED = "TYPE_NOT_ALLOWED"
    IMAGE_TOO_MANY_PIXELS = "IMAGE_TOO_MANY_PIXELS"
    IMAGE_DAMAGED = "IMAGE_DAMAGED"
    PDF_ENCRYPTED = "PDF_ENCRYPTED"
    PDF_DAMAGED = "PDF_DAMAGED"
    PDF_TOO_MANY_PAGES = "PDF_TOO_MANY_PAGES"
    PDF_ACTIVE_CONTENT = "PDF_ACTIVE_CONTENT"
    PDF_EXTERNAL_ACTION = "PDF_EXTERNAL_ACTION"


MESSAGES: dict[RefusalCode, _StrPromise] = {
    RefusalCode.EMPTY: _("The file is empty. Choose the file again and upload it."),
    RefusalCode.TYPE_NOT_ALLOWED: _(
        "This file is not a JPEG, PNG or PDF file. "
        "Save the scan as a JPEG, PNG or PDF file and upload it again."
    ),
    RefusalCode.IMAGE_TOO_MANY_PIXELS: _(
        "The picture is too big in width and height. "
        "Save it at a smaller size (fewer pixels) and upload it again."
    ),
    RefusalCode.IMAGE_DAMAGED: _(
        "The picture could not be opened: the file may be damaged or incomplete. "
        "Save or take the picture again and upload the new file."
    ),
    RefusalCode.PDF_ENCRYPTED: _(
        "The PDF is protected by a password. Save it again without a password and upload it again."
    ),
    RefusalCode.PDF_DAMAGED: _(
        "The PDF could not be opened: the file may be damaged or incomplete. "
        "Save or scan the document again and upload the new file."
    ),
    RefusalCode.PDF_ACTIVE_CONTENT: _(
        "The PDF contains scripts or attached files, which cannot be accepted. "
        "Scan the paper document, or print the PDF to a new PDF file, and upload that file."
    ),
    RefusalCode.PDF_EXTERNAL_ACTION: _(
        "The PDF contains links or actions that open web addresses, other files or programs, "
        "which cannot be accepted. Scan the paper document, or print the PDF to a new PDF "
        "file, and upload that file."
    ),
}


class UploadRefused(Exception):
    """A file Haven does not accept: ``code`` is stable, ``message`` is for the applicant."""

    def __init__(self, code: RefusalCode, message: str | _StrPromise | None = None) -> None:
        super().__init__(code.value)
        self.code = code
        self.message: str | _StrPromise = message if message is not None else default_message(code)
        # The refused file's name as uploaded, when several are checked at once (uploads_store).
        self.file_name = ""


@dataclass(frozen=True)
class CheckedFile:
    """An accepted file, as it will be stored: ``content`` is re-encoded for images."""

    content: bytes
    content_type: str
    width: int | None = None
    height: int | None = None
    pages: int | None = None

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.content_type]


def too_large_message(limit: int) -> str:
    return str(
        _(
            "The file is larger than %(limit)s. Make it smaller, for example by scanning "
            "at a lower resolution or saving it as a JPEG file, and upload it again."
        )
        % {"limit": filesizeformat(limit)}
    )


def too_many_pages_message(limit: int) -> str:
    return ngettext(
        "The PDF has more than %(limit)d page. "
        "Upload only the pages asked for, as a shorter PDF file.",
        "The PDF has more than %(limit)d pages. "
        "Upload only the pages asked for, as a shorter PDF file.",
        limit,
    ) % {"limit": limit}


def default_message(code: RefusalCode) -> str | _StrPromise:
    """The message for ``code``; the two that name a limit take it from settings."""
    if code == RefusalCode.TOO_LARGE:
        return too_large_message(settings.HAVEN_UPLOAD_MAX_BYTES)
    if code == RefusalCode.PDF_TOO_MANY_PAGES:
        return too_many_pages_message(settings.HAVEN_UPLOAD_MAX_PDF_PAGES)
    return MESSAGES[code]


def read_upload(uploaded_file: File[Any], max_bytes: int) -> bytes:
    """The file's bytes, read in chunks and counted: never more than ``max_bytes`` + one chunk.

    The size the browser declared is used only to refuse early; the count of
    bytes actually read decides.
    """
    declared = getattr(uploaded_file, "size", None)
    if declared is not None and declared > max_bytes:
        raise UploadRefused(RefusalCode.TOO_LARGE, too_large_message(max_bytes))
    buffer = io.BytesIO()
    for chunk in uploaded_file.chunks():
        buffer.write(chunk)
        if buffer.tell() > max_bytes:
            raise UploadRefused(RefusalCode.TOO_LARGE, too_large_message(max_bytes))
    if buffer.tell() == 0:
        raise UploadRefused(RefusalCode.EMPTY)
    return buffer.getvalue()


def detect_type(data: bytes) -> str:
    """The type the content's first bytes show, if it is one Haven accepts."""
    kind = filetype.guess(data[:_SNIFF_BYTES])
    if kind is None or kind.mime not in ACCEPTED_TYPES:
        raise UploadRefused(RefusalCode.TYPE_NOT_ALLOWED)
    return str(kind.mime)


def check_upload(uploaded_file: File[Any]) -> CheckedFile:
    """Read, identify and check an uploaded file; the limits come from settings."""
    return check_content(read_upload(uploaded_file, settings.HAVEN_UPLOAD_MAX_BYTES))


def check_content(data: bytes) -> CheckedFile:
    """Identify and check a file's bytes; raise ``UploadRefused`` unless Haven accepts it."""
    if len(data) > settings.HAVEN_UPLOAD_MAX_BYTES:
        raise UploadRefused(RefusalCode.TOO_LARGE)
    if not data:
        raise UploadRefused(RefusalCode.EMPTY)
    content_type = detect_type(data)
    if content_type == PDF:
        return _check_pdf(data)
    return _check_image(data, content_type)


# Images


def _open_image(data: bytes, content_type: str) -> Image.Image:
    """Open (header only) with the one decoder the detected type allows, and check its size."""
    # WeasyPrint (the PDF letters and documents) switches this on for the whole process
    # when first imported; a truncated upload must be refused whatever ran before.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    formats = ["JPEG"] if content_type == JPEG else ["PNG"]
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=formats)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise UploadRefused(RefusalCode.IMAGE_TOO_MANY_PIXELS) from error
        except Exception as error:
            # A parser fed hostile bytes may fail in any way; all mean "damaged".
            raise UploadRefused(RefusalCode.IMAGE_DAMAGED) from error
    allowed = {"JPEG", "MPO"} if content_type == JPEG else {"PNG"}
    if image.format not in allowed:
        raise UploadRefused(RefusalCode.IMAGE_DAMAGED)
    width, height = image.size
    if width < 1 or height < 1:
        raise UploadRefused(RefusalCode.IMAGE_DAMAGED)
    if width * height > settings.HAVEN_UPLOAD_MAX_PIXELS:
        raise UploadRefused(RefusalCode.IMAGE_TOO_MANY_PIXELS)
    return image


def _check_image(data: bytes, content_type: str) -> CheckedFile:
    image = _open_image(data, content_type)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise UploadRefused(RefusalCode.IMAGE_TOO_MANY_PIXELS) from error
        except Exception as error:
            raise UploadRefused(RefusalCode.IMAGE_DAMAGED) from error
        try:
            upright = ImageOps.exif_transpose(image)
        except Exception:
            # Broken EXIF in a picture that decoded well: keep it as it is stored.
            upright = image.copy()
        try:
            content = _reencode(upright, content_type)
        except Exception as error:
            raise UploadRefused(RefusalCode.IMAGE_DAMAGED) from error
    return CheckedFile(
        content=content, content_type=content_type, width=upright.width, height=upright.height
    )


def _reencode(image: Image.Image, content_type: str) -> bytes:
    """The pixels alone, in the same format: every metadata block and trailing byte dropped."""
    clean = image.copy()
    # Pillow's encoders copy some of ``info`` into the new file (ICC profile, JPEG
    # comment, PNG transparency); keep only the transparency, which is pixel data.
    transparency = image.info.get("transparency") if content_type == PNG else None
    clean.info = {} if transparency is None else {"transparency": transparency}
    output = io.BytesIO()
    if content_type == JPEG:
        if clean.mode not in _JPEG_MODES:
            clean = clean.convert("RGB")
        clean.save(output, format="JPEG", quality=_JPEG_QUALITY, optimize=True)
    else:
        if clean.mode not in _PNG_MODES:
            clean = clean.convert("RGBA")
        clean.save(output, format="PNG", optimize=True)
    return output.getvalue()


# PDFs


def _check_pdf(data: bytes) -> CheckedFile:
    try:
        reader = PdfReader(io.BytesIO(data))
        encrypted = reader.is_encrypted
    except Exception as error:
        raise UploadRefused(RefusalCode.PDF_DAMAGED) from error
    if encrypted:
        raise UploadRefused(RefusalCode.PDF_ENCRYPTED)
    try:
        page_count = len(reader.pages)
    except Exception as error:
        raise UploadRefused(RefusalCode.PDF_DAMAGED) from error
    if page_count < 1:
        raise UploadRefused(RefusalCode.PDF_DAMAGED)
    limit = settings.HAVEN_UPLOAD_MAX_PDF_PAGES
    if page_count > limit:
        raise UploadRefused(RefusalCode.PDF_TOO_MANY_PAGES, too_many_pages_message(limit))
    try:
        for page in reader.pages:
            # Decoding each page's content proves the page is readable; pypdf caps
            # how far any stream may decompress, so a compression bomb fails here.
            page.mediabox  # noqa: B018 - reading it is the check
            page.get_contents()
        refusal = _active_content_refusal(reader)
    except Exception as error:
        raise UploadRefused(RefusalCode.PDF_DAMAGED) from error
    if refusal is not None:
        raise UploadRefused(refusal)
    return CheckedFile(content=data, content_type=PDF, pages=page_count)


def _resolved(item: PdfObject) -> PdfObject | None:
    return item.get_object() if isinstance(item, IndirectObject) else item


def _name_refusal(kind: PdfObject | None) -> RefusalCode | None:
    """The refusal for an object of this kind (the value of /S, /Type or /Subtype), if any."""
    if not isinstance(kind, NameObject):
        return None
    if kind in _PDF_ACTIVE_VALUES:
        return RefusalCode.PDF_ACTIVE_CONTENT
    if kind in _PDF_EXTERNAL_VALUES:
        return RefusalCode.PDF_EXTERNAL_ACTION
    return None


def _action_refusal(value: PdfObject | None) -> RefusalCode | None:
    """The refusal for what stands where a reader expects an action (one, or an array).

    A destination (an array of page and position, or a name) is not an action
    and goes to a place in the document; a dictionary without /S is no action
    a reader takes (the /A of a structure element holds its attributes).
    """
    candidates = value if isinstance(value, ArrayObject) else [value]
    for candidate in candidates:
        action = _resolved(candidate) if candidate is not None else None
        if not isinstance(action, DictionaryObject) or "/S" not in action:
            continue
        kind = _resolved(action["/S"])
        refusal = _name_refusal(kind)
        if refusal is not None:
            return refusal
        if not (isinstance(kind, NameObject) and kind in _PDF_INTERNAL_ACTIONS):
            return RefusalCode.PDF_EXTERNAL_ACTION
    return None


def _entry_refusal(name: str, value: PdfObject) -> RefusalCode | None:
    """The refusal for one entry of a dictionary, looking no further than the entry itself."""
    if name in _PDF_ACTIVE_KEYS:
        return RefusalCode.PDF_ACTIVE_CONTENT
    if name in _PDF_TYPE_KEYS:
        return _name_refusal(_resolved(value))
    if name in _PDF_ACTION_KEYS:
        return _action_refusal(_resolved(value))
    if name in _PDF_TRIGGER_KEYS:
        triggers = _resolved(value)
        if isinstance(triggers, DictionaryObject):
            for action in triggers.values():
                refusal = _action_refusal(_resolved(action))
                if refusal is not None:
                    return refusal
    return None


def _active_content_refusal(reader: PdfReader) -> RefusalCode | None:
    """Why the PDF is refused for what it would do or carry, or None when it is inert.

    Walks every dictionary and array reachable from the trailer (document
    catalog, name trees, open and additional actions, pages, annotations,
    outlines, form fields), so a script or an external action is found
    wherever it hides, not only at the usual places (/Names /JavaScript,
    /OpenAction, /EmbeddedFiles, a link's /A).
    """
    seen: set[tuple[int, int]] = set()
    stack: list[PdfObject] = [reader.trailer]
    visited = 0
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            resolved = item.get_object()
            if resolved is None:
                continue
            item = resolved
            visited += 1
            if visited > _PDF_MAX_OBJECTS:
                raise ValueError("Too many objects in the PDF.")
        if isinstance(item, DictionaryObject):
            for name, value in item.items():
                refusal = _entry_refusal(name, value)
                if refusal is not None:
                    return refusal
                stack.append(value)
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    return None


def clean_file_name(name: str | None) -> str:
    """The browser's file name, safe to show back: no folders, no control or format characters."""
    if not name:
        return ""
    name = unicodedata.normalize("NFC", name)
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    # Cc: control characters; Cf: invisible format characters such as the
    # right-to-left override that can disguise "gpj.exe" as "exe.jpg".
    name = "".join(char for char in name if unicodedata.category(char) not in {"Cc", "Cf", "Cs"})
    return name.strip()[:200]
