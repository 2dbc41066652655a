"""The ``haven`` command: Django's and Haven's management commands."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.settings")
    # Imported once DJANGO_SETTINGS_MODULE is set, so Django reads Haven's settings.
    from django.core.management import execute_from_command_line

    execute_from_command_line(["haven", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
