"""Keeps learners' review states in step with the library: a new item in a studied deck is new for its learners."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from studyapp.library.models import Item
from studyapp.review.services import add_states_for_new_item


@receiver(post_save, sender=Item, dispatch_uid="review_add_states_for_item")
def item_saved(sender, instance: Item, created: bool, raw: bool = False, **kwargs) -> None:
    # Also on change: an item moved to another deck becomes new for that deck's learners.
    if not raw:
        add_states_for_new_item(instance)
