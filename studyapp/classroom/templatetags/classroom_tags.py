from __future__ import annotations

from django import template

register = template.Library()


@register.inclusion_tag("classroom/_assigned.html")
def assigned_note(assigned: dict | None, deck_id: int) -> dict:
    """The classes that assign a deck to the learner and their dates, under the deck's name.

    `assigned` is `classroom.selectors.assignments_by_deck(learner)`, read once per page.
    """
    return {"assignments": (assigned or {}).get(deck_id, ())}
