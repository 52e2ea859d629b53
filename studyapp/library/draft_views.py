"""Drafting items from a source, sentence by sentence, and the source's coverage map.

Every view resolves the source through `library.access.get_source_for_author` first: students get 403,
a source the instructor neither created nor backs one of their decks 404, superusers everything.
Candidates are drafted again on each request (a few milliseconds for an article) and found by their key.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from studyapp.converters import parse_id
from studyapp.http import HtmxHttpRequest
from studyapp.library import draft_services, drafting
from studyapp.library.access import get_source_for_author
from studyapp.library.models import Deck, Item, ItemKind, Passage, Source

TEMPLATE = "library/drafts/drafts.html"


@dataclass
class Row:
    """One candidate as the page shows it."""

    candidate: drafting.Candidate
    item: Item | None = None  # the existing (or just accepted) item it matches
    errors: dict[str, list[str]] | None = None
    edits: draft_services.Edits | None = None
    accepted: bool = False  # just now, by this request
    restored: bool = False  # a rejection undone just now, by this request
    editing: bool = False  # its edit form asked for (the page lists candidates without theirs, loaded on demand)

    @property
    def key(self) -> str:
        return self.candidate.key

    @property
    def kind_label(self) -> str:
        return ItemKind(self.candidate.kind).label

    @property
    def item_url(self) -> str:
        return item_url(self.item) if self.item else ""


def item_url(item: Item) -> str:
    return reverse("library:item_edit", args=[item.pk])


def _passages(source: Source) -> list[Passage]:
    return list(source.passages.order_by("index"))


def _passage_filter(request: HtmxHttpRequest, passages: list[Passage]) -> Passage | None:
    raw = request.GET.get("passage") or request.POST.get("passage") or ""
    if not raw:
        return None
    pk = parse_id(raw)
    if pk is None:
        raise BadRequest("The passage must be given by its number (id).")
    passage = next((p for p in passages if p.pk == pk), None)
    if passage is None:
        raise Http404("This source has no such passage.")
    return passage


def _deck_choice(request: HtmxHttpRequest, decks: list[Deck]) -> Deck | None:
    slug = request.GET.get("deck") or request.POST.get("deck") or ""
    if not slug:
        return decks[0] if decks else None
    return next((deck for deck in decks if deck.slug == slug), None)


def _page_url(source: Source, *, deck: Deck | None, passage: Passage | None, anchor: str = "") -> str:
    query = {
        key: value
        for key, value in (("deck", deck.slug if deck else ""), ("passage", passage.pk if passage else ""))
        if value
    }
    url = reverse("library:drafts", args=[source.pk])
    return f"{url}{'?' + urlencode(query) if query else ''}{'#' + anchor if anchor else ''}"


def _page_choices(request: HtmxHttpRequest, source_id: int):
    """The author's source and its sentences, the sentence asked for (or None) and the decks the items may go to,
    with the one asked for (404 if it is asked for and isn't one of them)."""
    source = get_source_for_author(request.user, source_id)
    passages = _passages(source)
    only = _passage_filter(request, passages)
    decks = draft_services.target_decks(request.user, source)
    deck = _deck_choice(request, decks)
    if request.GET.get("deck") and deck is None:
        raise Http404("You can't add items drawn from this source to that deck.")
    return source, passages, only, decks, deck


@require_GET
@login_required
def drafts(request: HtmxHttpRequest, source_id: int) -> HttpResponse:
    source, passages, only, decks, deck = _page_choices(request, source_id)
    items = draft_services.authored_items(request.user, source)
    rejected = draft_services.rejected_keys(request.session, source.pk)

    by_index: dict[int, list[Row]] = {}
    passage_at = {passage.index: passage for passage in passages}
    hidden = 0
    for candidate in drafting.draft(passages):
        if only is not None and only.index not in candidate.passages:
            continue
        if candidate.key in rejected:
            hidden += 1
            continue
        existing = draft_services.existing_item(candidate, items.get(passage_at[candidate.passage].pk, []))
        by_index.setdefault(candidate.passage, []).append(Row(candidate, existing))
    # Sentences with something to show; the one asked for always (a chronology may start before it).
    sentences = [
        (passage, by_index.get(passage.index, []), items.get(passage.pk, []))
        for passage in passages
        if passage == only or passage.index in by_index or (only is None and passage.pk in items)
    ]
    return render(
        request,
        TEMPLATE,
        {
            "source": source,
            "sentences": sentences,
            "candidate_count": sum(len(rows) for _, rows, _ in sentences),
            "rejected_count": hidden,
            "decks": decks,
            "deck": deck,
            "only": only,
        },
    )


@require_GET
@login_required
def edit(request: HtmxHttpRequest, source_id: int) -> HttpResponse:
    """One candidate with its edit form: swapped in by htmx when the instructor presses Edit (or e), or, without
    JavaScript, the drafts page showing that candidate alone. The page doesn't carry every candidate's form."""
    source, passages, only, decks, deck = _page_choices(request, source_id)
    candidate, passage = _find(source, passages, request.GET.get("key", ""))
    items = draft_services.authored_items(request.user, source).get(passage.pk, [])
    row = Row(candidate, draft_services.existing_item(candidate, items), editing=True)
    if request.htmx:
        return _candidate_response(request, source, row, deck=deck, only=only)
    context = {
        "source": source,
        "sentences": [(passage, [row], [])],
        "decks": decks,
        "deck": deck,
        "only": only,
        "candidate_count": 1,
        "rejected_count": 0,
        "editing": True,
        "back_url": _page_url(source, deck=deck, passage=only, anchor=f"candidate-{candidate.key}"),
    }
    return render(request, TEMPLATE, context)


def _find(source: Source, passages: list[Passage], key: str) -> tuple[drafting.Candidate, Passage]:
    for candidate in drafting.draft(passages):
        if candidate.key == key:
            return candidate, next(p for p in passages if p.index == candidate.passage)
    raise Http404("That candidate is no longer proposed (has the source text changed?). Reload the page.")


def _candidate_response(
    request: HtmxHttpRequest, source: Source, row: Row, *, deck: Deck | None, only: Passage | None, status: int = 200
) -> HttpResponse:
    context = {"source": source, "row": row, "deck": deck, "only": only}
    return render(request, f"{TEMPLATE}#candidate", context, status=status)


@require_POST
@login_required
def accept(request: HtmxHttpRequest, source_id: int) -> HttpResponse:
    source = get_source_for_author(request.user, source_id)
    passages = _passages(source)
    only = _passage_filter(request, passages)
    candidate, passage = _find(source, passages, request.POST.get("key", ""))
    decks = draft_services.target_decks(request.user, source)
    deck = _deck_choice(request, decks)
    edits = None
    if request.POST.get("edited"):
        edits = draft_services.Edits(
            prompt=request.POST.get("prompt", ""),
            answer=None if candidate.kind == ItemKind.CHRONOLOGY else request.POST.get("answer", ""),
            tolerance=request.POST.get("tolerance") if candidate.kind == ItemKind.NUMBER else None,
        )
    row = Row(candidate, edits=edits)
    try:
        if deck is None:
            raise ValidationError({"deck": ["Choose a deck of yours that uses this source to add the item to."]})
        item = draft_services.accept_candidate(candidate=candidate, deck=deck, passage=passage, edits=edits)
    except ValidationError as error:
        row.errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        if request.htmx:
            return _candidate_response(request, source, row, deck=deck, only=only, status=422)
        return render(
            request,
            TEMPLATE,
            {
                "source": source,
                "sentences": [(passage, [row], [])],
                "decks": decks,
                "deck": deck,
                "only": passage,
                "candidate_count": 1,
                "rejected_count": 0,
                "refused": True,
            },
            status=422,
        )
    row.item, row.accepted = item, True
    if request.htmx:
        return _candidate_response(request, source, row, deck=deck, only=only)
    messages.success(request, f"Added to “{deck}”: {item.get_kind_display().lower()} item.")
    return redirect(_page_url(source, deck=deck, passage=only, anchor=f"passage-{passage.index}"))


@require_POST
@login_required
def reject(request: HtmxHttpRequest, source_id: int) -> HttpResponse:
    source = get_source_for_author(request.user, source_id)
    passages = _passages(source)
    only = _passage_filter(request, passages)
    candidate, passage = _find(source, passages, request.POST.get("key", ""))
    draft_services.reject(request.session, source.pk, candidate.key)
    deck = _deck_choice(request, draft_services.target_decks(request.user, source))
    if request.htmx:
        return render(
            request,
            f"{TEMPLATE}#rejected",
            {"source": source, "row": Row(candidate), "deck": deck, "only": only},
        )
    messages.success(request, "Rejected: it won't be proposed again in this session.")
    return redirect(_page_url(source, deck=deck, passage=only, anchor=f"passage-{passage.index}"))


@require_POST
@login_required
def restore(request: HtmxHttpRequest, source_id: int) -> HttpResponse:
    """Undo one rejection (with `key`) or all of the source's."""
    source = get_source_for_author(request.user, source_id)
    passages = _passages(source)
    only = _passage_filter(request, passages)
    deck = _deck_choice(request, draft_services.target_decks(request.user, source))
    key = request.POST.get("key")
    if not key:
        draft_services.restore(request.session, source.pk)
        messages.success(request, "Rejected candidates are proposed again.")
        return redirect(_page_url(source, deck=deck, passage=only))
    candidate, passage = _find(source, passages, key)
    draft_services.restore(request.session, source.pk, candidate.key)
    if request.htmx:
        items = draft_services.authored_items(request.user, source).get(passage.pk, [])
        row = Row(candidate, draft_services.existing_item(candidate, items), restored=True)
        return _candidate_response(request, source, row, deck=deck, only=only)
    return redirect(_page_url(source, deck=deck, passage=only, anchor=f"passage-{passage.index}"))


@require_GET
@login_required
def coverage(request: HtmxHttpRequest, source_id: int) -> HttpResponse:
    source = get_source_for_author(request.user, source_id)
    counts = draft_services.item_counts(request.user, source)
    paragraphs: list[list[tuple[Passage, int]]] = []
    last = None
    for passage in _passages(source):
        if passage.paragraph != last:
            paragraphs.append([])
            last = passage.paragraph
        paragraphs[-1].append((passage, counts.get(passage.pk, 0)))
    total = sum(len(p) for p in paragraphs)
    covered = sum(1 for p in paragraphs for _, count in p if count)
    return render(
        request,
        "library/drafts/coverage.html",
        {"source": source, "paragraphs": paragraphs, "total": total, "covered": covered, "uncovered": total - covered},
    )
