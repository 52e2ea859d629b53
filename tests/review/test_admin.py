"""The review models in the admin: the log is read-only, and editing a state invalidates cards on screen."""

from __future__ import annotations

import pytest
from django.urls import reverse

from studyapp.review.models import ReviewState
from tests.factories import ReviewLogFactory, ReviewStateFactory

pytestmark = pytest.mark.django_db


def test_an_admin_edit_of_a_review_state_bumps_its_version(admin_client, student_a):
    state = ReviewStateFactory(learner=student_a)
    page = admin_client.get(reverse("admin:review_reviewstate_change", args=[state.pk]))
    data = {
        key: value
        for key, value in page.context["adminform"].form.initial.items()
        if value is not None and key not in {"version"}
    }
    data.update(
        learner=student_a.pk, item=state.item_id, due_0=state.due.date(), due_1=state.due.time(), suspended="on"
    )

    response = admin_client.post(reverse("admin:review_reviewstate_change", args=[state.pk]), data)

    assert response.status_code == 302
    state.refresh_from_db()
    assert state.suspended
    assert state.version == 1


def test_the_review_log_cannot_be_edited_in_the_admin(admin_client):
    log = ReviewLogFactory()

    page = admin_client.get(reverse("admin:review_reviewlog_change", args=[log.pk]))
    admin_client.post(reverse("admin:review_reviewlog_change", args=[log.pk]), {"rating": 1})

    assert page.status_code == 200
    assert 'name="rating"' not in page.content.decode()
    log.refresh_from_db()
    assert log.rating == 3


def test_the_suspend_action_bumps_versions(admin_client, student_a):
    states = [ReviewStateFactory(learner=student_a) for _ in range(2)]

    admin_client.post(
        reverse("admin:review_reviewstate_changelist"),
        {"action": "suspend", "_selected_action": [state.pk for state in states]},
    )

    assert list(ReviewState.objects.values_list("suspended", "version")) == [(True, 1), (True, 1)]
