"""Drop the item's two indexes that others duplicate: item_passage_idx (the passage foreign key's own index is
the same) and the deck foreign key's (item_unique_position_per_deck leads with the deck).

The deck's index is dropped by name in SQL rather than by AlterField, which would rebuild the table on SQLite.
"""

import django.db.models.deletion
from django.db import migrations, models

DECK_INDEX = "library_item_deck_id_140ed973"


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0003_deck_archived_at"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="item", name="item_passage_idx"),
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {DECK_INDEX}",
                    reverse_sql=f"CREATE INDEX {DECK_INDEX} ON library_item (deck_id)",
                )
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="item",
                    name="deck",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="items",
                        to="library.deck",
                    ),
                )
            ],
        ),
    ]
