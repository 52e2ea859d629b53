"""A passage's paragraph is read by (source, paragraph) in index order: an index for it. The source foreign
key's own index goes, since passage_unique_index_per_source leads with the source (dropped by name in SQL:
AlterField would rebuild the table on SQLite)."""

import django.db.models.deletion
from django.db import migrations, models

SOURCE_INDEX = "library_passage_source_id_acb8e216"


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0004_item_without_redundant_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="passage",
            index=models.Index(fields=["source", "paragraph", "index"], name="passage_paragraph_idx"),
        ),
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {SOURCE_INDEX}",
                    reverse_sql=f"CREATE INDEX {SOURCE_INDEX} ON library_passage (source_id)",
                )
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="passage",
                    name="source",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="passages",
                        to="library.source",
                    ),
                )
            ],
        ),
    ]
