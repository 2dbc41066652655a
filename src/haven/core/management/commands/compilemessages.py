"""Compile Haven's translation catalogs with Babel.

Replaces Django's command of the same name, which needs GNU gettext: a fresh
server may not have it, and Haven must install with Python alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Compile the .po translation catalogs into .mo files (with Babel, no gettext)."

    def handle(self, *args: Any, **options: Any) -> None:
        compiled = 0
        problems: list[str] = []
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
                with po_path.open("rb") as po_file:
                    catalog = read_po(po_file, locale=po_path.parent.parent.name)
                for message, errors in catalog.check():
                    problems.extend(f"{po_path}: {message.id!r}: {error}" for error in errors)
                mo_path = po_path.with_suffix(".mo")
                tmp_path = mo_path.with_suffix(".mo.tmp")
                with tmp_path.open("wb") as mo_file:
                    write_mo(mo_file, catalog, use_fuzzy=False)
                tmp_path.replace(mo_path)
                compiled += 1
        if problems:
            raise CommandError("Translation catalogs have errors:\n" + "\n".join(problems))
        if options["verbosity"] > 0:
            self.stdout.write(f"Compiled {compiled} catalogs.")
