"""Triggers that keep ReviewDay the exact sum of ReviewLog: an insert adds a review, a delete takes it away.

In the database rather than in record_review so that recording a review stays three statements,
and so that every writer (the service, the admin, bulk loads, undo, cascades) keeps the summary true.
Their SQL lives in studyapp/review/summary.py, with the check and the repair that guard them.
"""

from django.db import migrations

from studyapp.review import summary


class Migration(migrations.Migration):
    dependencies = [("review", "0002_progress_summary")]

    operations = [summary.install_operation("0003_reviewday_triggers")]
