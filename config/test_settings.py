"""Settings for the test run: the real settings with DEBUG on, plus a fast password hasher."""

from __future__ import annotations

import os

# DEBUG is off unless set; the tests run as local use does (before the settings read it).
os.environ.setdefault("DEBUG", "True")

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
FSRS_ENABLE_FUZZING = False
