"""The two roles, as Django groups, and the model permissions each one holds.

The groups are created by a data migration (accounts 0002); admins are staff users.
"""

from __future__ import annotations

STUDENTS = "Students"
INSTRUCTORS = "Instructors"

# app_label -> model -> actions. Students read content; instructors author it.
ROLE_PERMISSIONS: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {
    STUDENTS: {
        "library": {
            "source": ("view",),
            "passage": ("view",),
            "deck": ("view",),
            "item": ("view",),
            "choice": ("view",),
            "event": ("view",),
            "tag": ("view",),
        },
    },
    INSTRUCTORS: {
        "library": {
            "source": ("view", "add", "change", "delete"),
            "passage": ("view",),
            "deck": ("view", "add", "change", "delete"),
            "item": ("view", "add", "change", "delete"),
            "choice": ("view", "add", "change", "delete"),
            "event": ("view", "add", "change", "delete"),
            "tag": ("view", "add", "change", "delete"),
        },
    },
}
