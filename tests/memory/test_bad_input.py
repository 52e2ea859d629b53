"""Bad input to the posts of the memory model's settings panel: starting a fit and restoring the parameters before
one take no fields, ignore any sent, and a fit that isn't the learner's is 404. Never a 5xx (see
tests/bad_input.py)."""

from __future__ import annotations

from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from tests.bad_input import HTMX, form_data, holds_nul, per_example_rollback, post_never_fails, rolled_back

COVERS = {"memory:optimise", "memory:restore_parameters"}


@per_example_rollback
@given(posted=form_data(["fit_id", "parameters", "token"]), htmx=st.booleans())
def test_starting_a_fit_ignores_any_field(client, student_a, posted, htmx):
    client.force_login(student_a)
    with rolled_back():
        post_never_fails(client, reverse("memory:optimise"), posted, **(HTMX if htmx else {}))


@per_example_rollback
@given(posted=form_data(["parameters"]), fit_id=st.sampled_from([0, 1, 2**31, 10**18 - 1]), htmx=st.booleans())
def test_restoring_a_fit_that_is_not_the_learners_is_not_found(client, student_a, posted, fit_id, htmx):
    client.force_login(student_a)
    with rolled_back():
        url = reverse("memory:restore_parameters", args=[fit_id])
        response = post_never_fails(client, url, posted, **(HTMX if htmx else {}))
        assert response.status_code == (400 if holds_nul(posted) else 404)
