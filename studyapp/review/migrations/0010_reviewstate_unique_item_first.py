"""The review state's unique (learner, item) becomes (item, learner), which also serves reads by item, so the
item foreign key's own index goes: one index write less whenever a state's indexed columns change (a rating).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

ITEM_INDEX = "review_reviewstate_item_id_cfbc880c"


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0004_item_without_redundant_indexes"),
        ("review", "0009_log_and_day_without_redundant_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {ITEM_INDEX}",
                    reverse_sql=f"CREATE INDEX {ITEM_INDEX} ON review_reviewstate (item_id)",
                )
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="reviewstate",
                    name="item",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="review_states",
                        to="library.item",
                    ),
                )
            ],
        ),
        migrations.AddConstraint(
            model_name="reviewstate",
            constraint=models.UniqueConstraint(fields=("item", "learner"), name="reviewstate_unique_item_learner"),
        ),
        migrations.RemoveConstraint(model_name="reviewstate", name="reviewstate_unique_learner_item"),
    ]
