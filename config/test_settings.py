"""Settings for the test run: the real settings with DEBUG on, plus a fast password hasher."""

from __future__ import annotations

import os

# DEBUG is off unless set; the tests run as local use does (before the settings read it).
os.environ.setdefault("DEBUG", "True")

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
FSRS_ENABLE_FUZZING = False
# The test run signs up many accounts from 127.0.0.1 and the locmem cache outlives a test: the sign-up limit's
# own tests (tests/accounts/test_sign_up_limit.py) set the real rate and start from an empty cache.
SIGNUP_RATE = "1000/h"
# Tasks run at once, in the test's own thread and transaction (one test runs a real database worker instead).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # A commit doesn't wait for its WAL to reach the disk: the test databases are thrown away, and tests that commit
    # (transactional and browser tests, which load the demo a query at a time) stop waiting on fsync.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"  # noqa: F405
