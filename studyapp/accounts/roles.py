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
            # Tags are shared by every deck: instructors attach and create them; only admins rename or delete.
            "tag": ("view", "add"),
        },
    },
}


def _managed_models() -> set[tuple[str, str]]:
    """(app_label, model) of every model some role lists: the permissions the roles own."""
    return {
        (app_label, model)
        for apps_models in ROLE_PERMISSIONS.values()
        for app_label, models in apps_models.items()
        for model in models
    }


def sync_roles(group_model, permission_model) -> None:
    """Create the role groups and give them exactly their permissions on the models the roles list (idempotent).

    Takes the models as arguments so the data migration can pass its historical ones. Permissions
    not created yet (an app migrated later in the same run) are skipped here and added by the
    post_migrate receiver once they exist, so a role gains new permissions without a new migration.
    A permission on a listed model that its role no longer lists is taken away, so an existing
    database loses it too (a role losing `change_tag` must not keep it in old groups). Permissions on
    other models, which an admin may have given a group by hand, are left alone.
    """
    managed = _managed_models()
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
        withdrawn = [
            permission
            for permission in group.permissions.select_related("content_type")
            if (permission.content_type.app_label, permission.content_type.model) in managed
            and (permission.content_type.app_label, permission.codename) not in wanted
        ]
        group.permissions.remove(*withdrawn)
