"""The review log learns its deck, its learner's day and whether it tested memory; ReviewDay sums it per day.

Existing log rows are filled in from their item, their learner's settings and their state_before.
"""

import zoneinfo
from datetime import datetime

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import Count, Q, Sum

from studyapp.review.days import learner_day


def fill_in_log_rows(apps, schema_editor):
    ReviewLog = apps.get_model("review", "ReviewLog")
    StudySettings = apps.get_model("review", "StudySettings")
    days_of = {
        row.learner_id: (zoneinfo.ZoneInfo(row.timezone), row.day_starts_at) for row in StudySettings.objects.all()
    }
    default = (zoneinfo.ZoneInfo("UTC"), 4)
    changed = []
    for log in ReviewLog.objects.select_related("item").iterator(chunk_size=2000):
        zone, starts_at = days_of.get(log.learner_id, default)
        day = learner_day(log.reviewed_at, zone=zone, starts_at=starts_at)
        last_review = (log.state_before or {}).get("last_review")
        log.deck_id = log.item.deck_id
        log.day = day.date
        log.tests_memory = last_review is not None and datetime.fromisoformat(last_review) < day.start
        changed.append(log)
    ReviewLog.objects.bulk_update(changed, ["deck", "day", "tests_memory"], batch_size=2000)


def sum_log_into_days(apps, schema_editor):
    ReviewLog = apps.get_model("review", "ReviewLog")
    ReviewDay = apps.get_model("review", "ReviewDay")
    totals = (
        ReviewLog.objects.values("learner_id", "day", "deck_id")
        .annotate(
            reviews=Count("pk"),
            new_items=Count("pk", filter=Q(state="new")),
            memory_tests=Count("pk", filter=Q(tests_memory=True)),
            memory_passes=Count("pk", filter=Q(tests_memory=True, rating__gt=1)),
            duration_ms=Sum("duration_ms", default=0),
        )
        .order_by()
    )
    ReviewDay.objects.bulk_create([ReviewDay(**row) for row in totals], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0002_event_sort_key_help"),
        ("review", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="reviewlog",
            name="day",
            field=models.DateField(null=True),
        ),
        migrations.AddField(
            model_name="reviewlog",
            name="deck",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="library.deck",
            ),
        ),
        migrations.AddField(
            model_name="reviewlog",
            name="tests_memory",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(fill_in_log_rows, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="reviewlog",
            name="day",
            field=models.DateField(),
        ),
        migrations.AlterField(
            model_name="reviewlog",
            name="deck",
            field=models.ForeignKey(
                db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="library.deck"
            ),
        ),
        migrations.AddField(
            model_name="studieddeck",
            name="exam_on",
            field=models.DateField(
                blank=True, help_text="The day of the learner's exam on this deck, for the recall forecast.", null=True
            ),
        ),
        migrations.CreateModel(
            name="ReviewDay",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("day", models.DateField()),
                ("reviews", models.PositiveIntegerField(default=0)),
                ("new_items", models.PositiveIntegerField(default=0)),
                ("memory_tests", models.PositiveIntegerField(default=0)),
                ("memory_passes", models.PositiveIntegerField(default=0)),
                ("duration_ms", models.PositiveBigIntegerField(default=0)),
                (
                    "deck",
                    models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="library.deck"),
                ),
                (
                    "learner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("learner", "day", "deck"), name="reviewday_unique_learner_day_deck"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("memory_passes__lte", models.F("memory_tests"))),
                        name="reviewday_passes_le_tests",
                    ),
                ],
            },
        ),
        migrations.RunPython(sum_log_into_days, migrations.RunPython.noop),
    ]
