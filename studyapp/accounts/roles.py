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


def sync_roles(group_model, permission_model) -> None:
    """Create the role groups and give them their permissions (idempotent).

    Takes the models as arguments so the data migration can pass its historical ones. Permissions
    not created yet (an app migrated later in the same run) are skipped here and added by the
    post_migrate receiver once they exist, so a role gains new permissions without a new migration.
    """
    for group_name, apps_models in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=group_name)
        wanted = {
            (app_label, f"{action}_{model}")
            for app_label, models in apps_models.items()
            for model, actions in models.items()
            for action in actions
        }
        permissions = [
            permission
            for permission in permission_model.objects.filter(
                content_type__app_label__in={app_label for app_label, _ in wanted}
            ).select_related("content_type")
            if (permission.content_type.app_label, permission.codename) in wanted
        ]
        group.permissions.add(*permissions)
