from __future__ import annotations

from django import template

from studyapp.accounts.second_factor import confirmed_device

register = template.Library()


@register.filter
def has_second_factor(user) -> bool:
    """Whether the user has turned a second factor on (one query; for the account page, not every page)."""
    return user.is_authenticated and confirmed_device(user) is not None
