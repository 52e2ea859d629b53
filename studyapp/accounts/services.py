"""Writes for accounts: sign-up and the demo cast."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction

from studyapp.accounts.models import User
from studyapp.accounts.roles import INSTRUCTORS, STUDENTS


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str
    first_name: str


# Local-development logins, printed by `make run`. Never created when DEBUG is off.
DEMO_ACCOUNTS = (
    DemoAccount("ada", "ada-studies-1927", STUDENTS, "Ada"),
    DemoAccount("ben", "ben-studies-1927", STUDENTS, "Ben"),
    DemoAccount("irene", "irene-teaches-1927", INSTRUCTORS, "Irene"),
    DemoAccount("admin", "admin-manages-1927", "Admin", "Admin"),
)
DEMO_INSTRUCTOR = "irene"
# The student who gets about 60 days of simulated review history.
DEMO_HISTORY_STUDENT = "ada"


@transaction.atomic
def sign_up_student(*, username: str, password: str, email: str = "") -> User:
    """Create a student account (the password is validated by the form before this)."""
    user = User.objects.create_user(username=username, password=password, email=email)
    user.groups.add(Group.objects.get(name=STUDENTS))
    return user


@transaction.atomic
def ensure_demo_accounts() -> list[tuple[DemoAccount, bool]]:
    """Create each demo account that is absent; existing accounts are left exactly as they are."""
    results = []
    for account in DEMO_ACCOUNTS:
        if User.objects.filter(username=account.username).exists():
            results.append((account, False))
            continue
        if account.role == "Admin":
            user = User.objects.create_superuser(username=account.username, password=account.password, email="")
        else:
            user = User.objects.create_user(username=account.username, password=account.password)
            user.groups.add(Group.objects.get(name=account.role))
        user.first_name = account.first_name
        user.save(update_fields=["first_name"])
        results.append((account, True))
    return results
