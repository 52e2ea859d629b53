"""The fixed cast of users every permission test draws on, and the demo deck.

student A and student B are in the Students group, the two instructors in the
Instructors group, and the admin is a superuser with staff status. The groups
come from the data migration (accounts 0002); after a transactional test's flush the
post_migrate receiver (accounts/receivers.py) makes them again, and after a serialized_rollback
test's flush, which skips post_migrate, the cast does.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db import connections, transaction
from django.test import override_settings

from studyapp.accounts.roles import INSTRUCTORS, STUDENTS, sync_roles
from studyapp.library.models import Deck
from tests import hypothesis_profiles
from tests.factories import UserFactory

hypothesis_profiles.load()

DEMO_DECK_SLUG = "left-opposition-1927"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test databases, then Django's system checks run against them, as Django's own test runner does.

    pytest-django runs no checks. Here a migration that drops the review log's triggers (review.E001)
    stops every database test with the repair hint, instead of failing unrelated progress tests.
    """
    with django_db_blocker.unblock():
        call_command("check", databases=list(connections), stdout=StringIO())


def _member_of(group_name: str, username: str):
    user = UserFactory(username=username)
    group = Group.objects.filter(name=group_name).first()
    if group is None:
        # A serialized_rollback test's flush skips post_migrate (its data comes back only when the next such
        # test starts), so a test running right after it finds no roles: make them as migrate does.
        sync_roles(Group, Permission)
        group = Group.objects.get(name=group_name)
    user.groups.add(group)
    return user


@pytest.fixture
def student_a(db):
    return _member_of(STUDENTS, "student_a")


@pytest.fixture
def student_b(db):
    return _member_of(STUDENTS, "student_b")


@pytest.fixture
def instructor(db):
    return _member_of(INSTRUCTORS, "instructor")


@pytest.fixture
def other_instructor(db):
    return _member_of(INSTRUCTORS, "other_instructor")


@pytest.fixture
def admin_user(db):
    """Overrides pytest-django's fixture (so `admin_client` logs in as this user too)."""
    return UserFactory(username="site_admin", is_staff=True, is_superuser=True)


@pytest.fixture
def demo_deck(db, settings) -> Deck:
    """The demo deck as `make run` loads it: DEBUG on, so the demo accounts exist too.

    Without the demo student's simulated review history, which takes seconds to make
    and which no library or accounts test looks at.
    """
    settings.DEBUG = True
    call_command("load_demo", quiet_logins=True, skip_history=True)
    return Deck.objects.select_related("owner", "source").get(slug=DEMO_DECK_SLUG)


@pytest.fixture(scope="class")
def _demo_deck_loaded_for_class(django_db_setup, django_db_blocker):
    """`load_demo` once for a whole test class (it takes over a second), rolled back after the class.

    Each test still runs in its own savepoint inside this transaction (pytest-django's `db`), so
    what a test writes is undone before the next one. Use it through `shared_demo_deck`, in a class
    whose tests all want the demo deck: the data is there for every test of the class.
    """
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            with override_settings(DEBUG=True):
                call_command("load_demo", quiet_logins=True, skip_history=True, stdout=StringIO())
            deck_id = Deck.objects.get(slug=DEMO_DECK_SLUG).pk
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    yield deck_id
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


@pytest.fixture
def shared_demo_deck(_demo_deck_loaded_for_class, db) -> Deck:
    """The demo deck as `demo_deck` gives it, loaded once per test class."""
    return Deck.objects.select_related("owner", "source").get(pk=_demo_deck_loaded_for_class)
