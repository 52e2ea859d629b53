"""The review log refuses UPDATE: the ReviewDay triggers follow inserts and deletes, so a changed row would drift.

The trigger's SQL lives in studyapp/review/summary.py; the system check review.E001 reports it
(and the summing triggers) missing, and `manage.py repair_review_summary` puts them back.
"""

from django.db import migrations

from studyapp.review import summary


class Migration(migrations.Migration):
    dependencies = [("review", "0003_reviewday_triggers")]

    operations = [summary.install_operation("0004_summary_guard")]
