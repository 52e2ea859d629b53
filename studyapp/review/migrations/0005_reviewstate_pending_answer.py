from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("review", "0004_summary_guard")]

    operations = [
        migrations.AddField(
            model_name="reviewstate",
            name="pending_answer",
            field=models.JSONField(blank=True, editable=False, null=True),
        ),
    ]
