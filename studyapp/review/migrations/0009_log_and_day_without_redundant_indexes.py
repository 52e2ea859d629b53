"""Drop the review log's and the day summary's foreign-key indexes that composite indexes already serve.

The indexes are dropped by name in SQL rather than by AlterField: on SQLite AlterField rebuilds the table,
and rebuilding review_reviewlog would drop the ReviewDay triggers (review/summary.py).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

DROPPED = {
    # index: (table, column)
    "review_reviewlog_learner_id_1227c286": ("review_reviewlog", "learner_id"),
    "review_reviewlog_item_id_c2394bb9": ("review_reviewlog", "item_id"),
    "review_reviewday_learner_id_6013ffcb": ("review_reviewday", "learner_id"),
}


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0001_initial"),
        ("review", "0008_covering_queue_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {index}", reverse_sql=f"CREATE INDEX {index} ON {table} ({column})"
                )
                for index, (table, column) in DROPPED.items()
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="reviewlog",
                    name="learner",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="review_logs",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="reviewlog",
                    name="item",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="review_logs",
                        to="library.item",
                    ),
                ),
                migrations.AlterField(
                    model_name="reviewday",
                    name="learner",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
    ]
