"""The deck checker's page: what `checker.check_deck` finds in a deck, for those who edit it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from studyapp.http import HtmxHttpRequest
from studyapp.library.access import get_deck_for_author
from studyapp.library.checker import check_deck


def item_editor_url(item_id: int) -> str:
    return reverse("library:item_edit", args=[item_id])


@require_GET
@login_required
def check_deck_page(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    deck = get_deck_for_author(request.user, slug)
    report = check_deck(deck)
    groups = [
        (
            kind,
            [(finding, [(item, item_editor_url(item.id)) for item in finding.items]) for finding in findings],
        )
        for kind, findings in report.grouped()
    ]
    return render(request, "library/checker/check_deck.html", {"deck": deck, "report": report, "groups": groups})
