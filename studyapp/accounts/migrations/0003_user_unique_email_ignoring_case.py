"""One account per email address, ignoring case. Addresses shared before are kept by the account that
joined first; the others' are cleared (they can set one again on their account page)."""

from __future__ import annotations

import django.db.models.functions.text
from django.db import migrations, models


def clear_duplicate_addresses(apps, schema_editor) -> None:
    User = apps.get_model("accounts", "User")
    seen: set[str] = set()
    later_duplicates = []
    for pk, email in User.objects.exclude(email="").order_by("date_joined", "pk").values_list("pk", "email"):
        key = email.lower()
        if key in seen:
            later_duplicates.append(pk)
        seen.add(key)
    User.objects.filter(pk__in=later_duplicates).update(email="")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_roles")]

    operations = [
        migrations.RunPython(clear_duplicate_addresses, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("email"),
                condition=models.Q(("email", ""), _negated=True),
                name="user_unique_email_ignoring_case",
                violation_error_message="Another account already uses this email address.",
            ),
        ),
    ]
