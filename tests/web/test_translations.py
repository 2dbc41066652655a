"""Haven's translation catalogs are complete, well formed and used by the pages.

Each of the six languages has a catalog in ``src/haven/locale``: every message is
translated (all plural forms too), nothing is fuzzy, placeholders and HTML tags are
kept exactly, the plural rule fits the language, and no English is left in the
catalogs of the other languages.
"""

from __future__ import annotations

import ast
import io
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management import call_command
from django.test import Client

import haven

LOCALE_DIR = Path(haven.__file__).parent / "locale"
LANGUAGES = ["en", "ru", "de", "fr", "it", "es"]
NON_ENGLISH = [code for code in LANGUAGES if code != "en"]
NPLURALS = {"ru": 3}  # every other language has two forms

# Translations that are rightly the same as the English text.
IDENTICAL_ALLOWED = {
    ("fr", "page %(number)s"),
}

PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")
TAG = re.compile(r"<[^>]+>")


@cache
def catalog(code: str) -> Catalog:
    with (LOCALE_DIR / code / "LC_MESSAGES" / "django.po").open("rb") as po_file:
        return read_po(po_file, locale=code)


def header_fields(code: str) -> dict[str, str]:
    """The catalog's header fields as written (Babel rebuilds some of them when it reads)."""
    text = (LOCALE_DIR / code / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    block = text.split('msgid ""\nmsgstr ""\n', 1)[1].split("\n\n", 1)[0]
    value = "".join(ast.literal_eval(line) for line in block.splitlines())
    return dict(line.split(": ", 1) for line in value.splitlines())


def messages(code: str) -> list[Message]:
    return [message for message in catalog(code) if message.id]


def ids(message: Message) -> list[str]:
    """The source text: one string, or the singular and plural."""
    return [message.id] if isinstance(message.id, str) else list(message.id)


def forms(message: Message) -> list[str]:
    """The translation: one string, or one per plural form."""
    if isinstance(message.string, str):
        return [message.string]
    return list(message.string or ())


def test_the_catalogs_cover_the_configured_languages() -> None:
    assert [code for code, _name in settings.LANGUAGES] == LANGUAGES
    assert LOCALE_DIR in [Path(path) for path in settings.LOCALE_PATHS]


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_catalog_exists(code: str) -> None:
    assert (LOCALE_DIR / code / "LC_MESSAGES" / "django.po").is_file()
    assert messages(code), f"{code}: the catalog has no messages"


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(code: str) -> None:
    untranslated = [
        message.id for message in messages(code) if not all(forms(message)) or not forms(message)
    ]
    fuzzy = [message.id for message in messages(code) if message.fuzzy]
    assert not untranslated, f"{code}: untranslated messages: {untranslated}"
    assert not fuzzy, f"{code}: fuzzy messages: {fuzzy}"
    assert not catalog(code).fuzzy, f"{code}: the catalog header is marked fuzzy"


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_header_is_filled_in(code: str) -> None:
    headers = header_fields(code)
    assert headers["Language"] == code
    assert headers["Project-Id-Version"] == "Haven"
    assert headers["Content-Type"] == "text/plain; charset=UTF-8"
    assert headers["Last-Translator"] == "Haven translators"
    assert headers["Language-Team"] == "Haven translators"
    raw = "\n".join(f"{name}: {value}" for name, value in headers.items())
    for placeholder in ("FULL NAME", "EMAIL@ADDRESS", "PACKAGE", "YEAR-MO-DA", "LANGUAGE"):
        assert placeholder not in raw, f"{code}: header still has {placeholder!r}"


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_plural_rule_fits_the_language(code: str) -> None:
    expected = NPLURALS.get(code, 2)
    assert catalog(code).num_plurals == expected
    assert header_fields(code)["Plural-Forms"].startswith(f"nplurals={expected}; plural=")
    wrong = [
        message.id
        for message in messages(code)
        if message.pluralizable and len(forms(message)) != expected
    ]
    assert not wrong, f"{code}: messages without {expected} plural forms: {wrong}"


@pytest.mark.parametrize("code", LANGUAGES)
def test_babel_finds_no_errors(code: str) -> None:
    errors = [(message.id, [str(e) for e in errs]) for message, errs in catalog(code).check()]
    assert not errors, f"{code}: {errors}"


@pytest.mark.parametrize("code", LANGUAGES)
def test_placeholders_and_html_tags_are_kept(code: str) -> None:
    """Every form keeps all the placeholders (a Russian "one" form is also used for 21)."""
    problems = []
    for message in messages(code):
        formatted = "python-format" in message.flags  # a bare "%" is text elsewhere
        placeholders = {p for text in ids(message) for p in PLACEHOLDER.findall(text)}
        tags = sorted(TAG.findall(ids(message)[0]))
        for form in forms(message):
            if formatted and set(PLACEHOLDER.findall(form)) != placeholders:
                problems.append(f"placeholders differ: {message.id!r} -> {form!r}")
            if sorted(TAG.findall(form)) != tags:
                problems.append(f"HTML tags differ: {message.id!r} -> {form!r}")
    assert not problems, f"{code}:\n" + "\n".join(problems)


def test_the_english_catalog_repeats_the_source_text() -> None:
    changed = [message.id for message in messages("en") if forms(message) != ids(message)]
    assert not changed, f"en: translations that differ from the source text: {changed}"


@pytest.mark.parametrize("code", NON_ENGLISH)
def test_no_english_is_left_in_other_languages(code: str) -> None:
    left = [
        message.id
        for message in messages(code)
        if any(
            form == source and len(source) > 12 and len(source.split()) >= 2
            for form in forms(message)
            for source in ids(message)
        )
        and (code, ids(message)[0]) not in IDENTICAL_ALLOWED
    ]
    assert not left, f"{code}: messages still in English: {left}"


@pytest.fixture
def compiled_catalogs(settings) -> None:
    """Compile the catalogs, as ``make messages`` does, and make Django read them afresh."""
    call_command("compilemessages", verbosity=0)
    settings.LOCALE_PATHS = [*settings.LOCALE_PATHS]  # the change clears the translation caches


@pytest.mark.django_db
@pytest.mark.usefixtures("compiled_catalogs")
@pytest.mark.parametrize(
    ("code", "skip_link"),
    [("ru", "Перейти к основному содержанию"), ("de", "Zum Hauptinhalt springen")],
)
def test_the_home_page_speaks_the_browser_language(code: str, skip_link: str) -> None:
    response = Client().get("/", headers={"accept-language": code})
    assert response.status_code == 200
    assert response["Content-Language"] == code
    page = response.content.decode()
    assert f'<html lang="{code}">' in page
    assert skip_link in page
    assert "Skip to main content" not in page


def source_messages() -> set[str]:
    """Every message the code asks to translate, found without GNU gettext.

    Python files are read by Babel's extractor; templates are first turned into
    Python-like text by Django's own ``templatize`` (what ``makemessages`` does).
    """
    from babel.messages.extract import extract_python
    from django.utils.translation.template import templatize

    keywords: dict[str, Any] = {
        "_": None,
        "gettext": None,
        "gettext_lazy": None,
        "gettext_noop": None,
        "ngettext": (1, 2),
        "ngettext_lazy": (1, 2),
        "pgettext": ((1, "c"), 2),
        "pgettext_lazy": ((1, "c"), 2),
    }
    found: set[str] = set()
    root = Path(haven.__file__).parent
    for path in root.rglob("*"):
        if "migrations" in path.parts or not path.is_file():
            continue
        if path.suffix == ".py":
            source = path.read_bytes()
        elif path.suffix in {".html", ".txt"} and "templates" in path.parts:
            source = templatize(path.read_text(encoding="utf-8"), origin=str(path)).encode()
        else:
            continue
        for _line, function, message, _comments in extract_python(
            io.BytesIO(source), keywords, [], {}
        ):
            texts = list(message) if isinstance(message, (tuple, list)) else [message]
            if str(function).startswith(("pgettext", "npgettext")):
                texts = texts[1:]  # the first argument is the context, not a message
            found.update(text for text in texts if isinstance(text, str) and text)
    return found


def test_every_message_in_the_code_is_in_the_catalogs() -> None:
    in_catalog = {text for message in messages("en") for text in ids(message)}
    missing = sorted(source_messages() - in_catalog)
    assert not missing, (
        "Messages in the code that no catalog has yet; run makemessages (see README) and "
        f"translate them: {missing}"
    )
