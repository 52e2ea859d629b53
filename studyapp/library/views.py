from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from studyapp.http import HtmxHttpRequest
from studyapp.library import selectors
from studyapp.library.models import ItemKind


@require_GET
def home(request: HtmxHttpRequest) -> HttpResponse:
    return render(request, "library/home.html", {"decks": selectors.decks_for_home()})


@require_GET
@login_required
def deck_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    deck = selectors.get_deck(slug)
    can_edit = selectors.can_edit_deck(request.user, deck)
    items = list(selectors.deck_items(deck))
    kinds = dict.fromkeys(ItemKind, 0)
    for item in items:
        kinds[ItemKind(item.kind)] += 1
    return render(
        request,
        "library/deck_detail.html",
        {
            "deck": deck,
            "items": items,
            "kind_counts": [(kind.label, count) for kind, count in kinds.items() if count],
            # Answers are shown only to the deck's editors: a student meets them when reviewing.
            "show_answers": can_edit,
            "can_edit": can_edit,
        },
    )


@require_GET
@login_required
def source_detail(request: HtmxHttpRequest, source_id: int) -> HttpResponse:
    source, items_by_passage = selectors.get_source_with_items(source_id)
    paragraphs: list[list] = []
    last_paragraph = None
    for passage in source.passages.all():
        if passage.paragraph != last_paragraph:
            paragraphs.append([])
            last_paragraph = passage.paragraph
        paragraphs[-1].append((passage, items_by_passage.get(passage.pk, [])))
    return render(request, "library/source_detail.html", {"source": source, "paragraphs": paragraphs})
