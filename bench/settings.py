"""Settings for the casework benchmark only: Haven's own, plus a bare JSON view to compare with.

``bench/casework_load.py`` serves Haven with ``DJANGO_SETTINGS_MODULE=bench.settings``;
production and the test suite never see ``bench.urls``.
"""

from haven.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
