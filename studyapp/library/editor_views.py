"""Authoring pages: an instructor's decks and sources, a deck's editor and the item editor.

Every view resolves what it edits through `library.access` first: students get 403, another
instructor's deck, item or source 404, superusers everything.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from studyapp.converters import parse_id
from studyapp.http import HtmxHttpRequest, posted, posted_files
from studyapp.library import editor, presentation, selectors, services
from studyapp.library.access import get_deck_for_author, get_item_for_author, get_source_for_author, require_author
from studyapp.library.editor_forms import (
    BulkForm,
    ChoiceRows,
    CoOwnerForm,
    DeckForm,
    DeckRenameForm,
    EventRows,
    ItemForm,
    SourceForm,
)
from studyapp.library.models import (
    MAX_CHOICES,
    MAX_EVENTS,
    ChoiceData,
    Deck,
    EventData,
    Item,
    ItemKind,
    Passage,
    derived_answer,
)

# The other authoring pages a deck's editor links to: (URL name, label, argument).
DECK_LINKS = (
    ("library:drafts", "Draft from the source", "source"),
    ("library:coverage", "Coverage of the source", "source"),
    ("library:import", "Import", "slug"),
    ("library:export", "Export", "slug"),
    ("library:check_deck", "Check the deck", "slug"),
)


def _deck_links(deck: Deck) -> list[tuple[str, str]]:
    return [
        (reverse(name, args=[deck.source_id if arg == "source" else deck.slug]), label)
        for name, label, arg in DECK_LINKS
        if arg != "source" or deck.source_id
    ]


# --- My decks and sources --------------------------------------------------------------------------------


@require_GET
@login_required
def my_decks(request: HtmxHttpRequest) -> HttpResponse:
    require_author(request.user)
    decks = list(editor.my_decks(request.user))
    return render(
        request,
        "library/editor/my_decks.html",
        {
            "decks": [deck for deck in decks if not deck.archived_at],
            "archived": [deck for deck in decks if deck.archived_at],
            "sources": editor.my_sources(request.user),
            "import_url": reverse("library:import_new"),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def source_new(request: HtmxHttpRequest) -> HttpResponse:
    require_author(request.user)
    form = SourceForm(posted(request), posted_files(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            source = services.create_source(
                title=data["title"],
                author=data["author"],
                publication=data["publication"],
                text=data["source_text"],
                created_by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            count = source.passages.count()
            messages.success(request, f"“{source.title}” is saved, split into {count} sentence{'s' * (count != 1)}.")
            return redirect("library:my_source", source_id=source.pk)
    return render(request, "library/editor/source_form.html", {"form": form}, status=422 if form.errors else 200)


@require_GET
@login_required
def my_source(request: HtmxHttpRequest, source_id: int) -> HttpResponse:
    source = get_source_for_author(request.user, source_id)
    return render(
        request,
        "library/editor/my_source.html",
        {
            "source": source,
            "paragraphs": _paragraphs(source.passages.all()),
            "decks": source.decks.all(),
            "drafts_url": reverse("library:drafts", args=[source.pk]),
        },
    )


def _paragraphs(passages) -> list[list[Passage]]:
    paragraphs: list[list[Passage]] = []
    last = None
    for passage in passages:
        if passage.paragraph != last:
            paragraphs.append([])
            last = passage.paragraph
        paragraphs[-1].append(passage)
    return paragraphs


# --- Decks ---------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def deck_new(request: HtmxHttpRequest) -> HttpResponse:
    require_author(request.user)
    initial = {"source": request.GET["source"]} if parse_id(request.GET.get("source", "")) is not None else {}
    form = DeckForm(posted(request), user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            deck = editor.create_deck(
                owner=request.user, title=data["title"], description=data["description"], source=data["source"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Deck “{deck.title}” created. Write its first item.")
            return redirect("library:deck_edit", slug=deck.slug)
    return render(request, "library/editor/deck_new.html", {"form": form}, status=422 if form.errors else 200)


@require_GET
@login_required
def deck_edit(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    deck = get_deck_for_author(request.user, slug)
    items = list(editor.editor_items(deck))
    return render(request, "library/editor/deck_edit.html", _deck_edit_context(request, deck, items))


def _deck_edit_context(request, deck: Deck, items: list[Item], bulk: BulkForm | None = None) -> dict:
    return {
        "deck": deck,
        "items": items,
        "bulk": bulk or BulkForm(deck=deck, user=request.user, item_ids=[]),
        "links": _deck_links(deck),
    }


@require_http_methods(["GET", "POST"])
@login_required
def deck_settings(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    deck = get_deck_for_author(request.user, slug)
    form = DeckRenameForm(posted(request), instance=deck)
    if request.method == "POST" and form.is_valid():
        editor.update_deck(deck=deck, title=form.cleaned_data["title"], description=form.cleaned_data["description"])
        messages.success(request, "The deck's title and description are saved.")
        return redirect("library:deck_settings", slug=deck.slug)
    return _settings_page(request, deck, form=form, status=422 if form.errors else 200)


def _settings_page(request, deck: Deck, *, form=None, co_owner_form=None, status: int = 200) -> HttpResponse:
    if form is not None and form.errors:
        deck.refresh_from_db(fields=["title", "description"])  # the heading shows the saved title
    return render(
        request,
        "library/editor/deck_settings.html",
        {
            "deck": deck,
            "form": form or DeckRenameForm(instance=deck),
            "co_owner_form": co_owner_form or CoOwnerForm(),
            "co_owners": deck.co_owners.order_by("username"),
            "is_owner": request.user.pk == deck.owner_id or request.user.is_superuser,
        },
        status=status,
    )


@require_POST
@login_required
def co_owner_add(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    deck = get_deck_for_author(request.user, slug)
    form = CoOwnerForm(request.POST)
    if form.is_valid():
        try:
            user = editor.add_co_owner(deck=deck, username=form.cleaned_data["username"])
        except ValidationError as error:
            form.add_error("username", error)
        else:
            messages.success(request, f"{user.get_username()} now co-owns “{deck.title}”.")
            return redirect("library:deck_settings", slug=deck.slug)
    return _settings_page(request, deck, co_owner_form=form, status=422)


@require_POST
@login_required
def co_owner_remove(request: HtmxHttpRequest, slug: str, user_id: int) -> HttpResponse:
    deck = get_deck_for_author(request.user, slug)
    user = get_object_or_404(deck.co_owners, pk=user_id)
    editor.remove_co_owner(deck=deck, user_id=user.pk)
    messages.success(request, f"{user.get_username()} no longer co-owns “{deck.title}”.")
    if user.pk == request.user.pk:
        return redirect("library:my_decks")
    return redirect("library:deck_settings", slug=deck.slug)


@require_POST
@login_required
def deck_archive(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    deck = get_deck_for_author(request.user, slug)
    archive = request.POST.get("archive") == "1"
    editor.set_archived(deck=deck, archived=archive)
    if archive:
        messages.success(
            request,
            f"“{deck.title}” is archived: it has left the deck lists and takes no new learners; "
            "those who study it carry on.",
        )
    else:
        messages.success(request, f"“{deck.title}” is back in the deck lists.")
    return redirect("library:deck_settings", slug=deck.slug)


# --- A deck's items --------------------------------------------------------------------------------------


@require_POST
@login_required
def items_reorder(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    deck = get_deck_for_author(request.user, slug)
    text, _, direction = request.POST.get("move", "").partition(":")
    pk = parse_id(text)
    if pk is None or direction not in ("up", "down"):
        return HttpResponse("Say which item to move, and up or down.", status=400)
    item = get_object_or_404(deck.items, pk=pk)
    editor.move(item=item, offset=-1 if direction == "up" else 1)
    if request.htmx:
        items = list(editor.editor_items(deck))
        place = next(number for number, row in enumerate(items, start=1) if row.pk == item.pk)
        # Focus stays on the button just pressed, or on the other one where the item reached an end of the list.
        at_end = place == 1 if direction == "up" else place == len(items)
        focus = ("down" if direction == "up" else "up") if at_end else direction
        moved = {"pk": item.pk, "focus": focus, "announce": f"Moved to place {place} of {len(items)}."}
        return render(
            request, "library/editor/deck_edit.html#items", {**_deck_edit_context(request, deck, items), "moved": moved}
        )
    return redirect(f"{reverse('library:deck_edit', args=[deck.slug])}#item-{item.pk}")


@require_POST
@login_required
def items_bulk(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    deck = get_deck_for_author(request.user, slug)
    ids = list(deck.items.values_list("pk", flat=True))
    form = BulkForm(request.POST, deck=deck, user=request.user, item_ids=ids)
    if not form.is_valid():
        items = list(editor.editor_items(deck))
        return render(
            request, "library/editor/deck_edit.html", _deck_edit_context(request, deck, items, form), status=422
        )
    items = editor.selected_items(deck, form.cleaned_data["items"])
    action = form.cleaned_data["action"]
    n = len(items)
    plural = "s" * (n != 1)
    if action == "duplicate":
        services.duplicate_items(items=items)
        messages.success(request, f"Duplicated {n} item{plural}: the copies are at the end of the deck.")
    elif action == "tag":
        editor.add_tags(items=items, names=form.cleaned_data["tags"])
        messages.success(request, f"Tagged {n} item{plural} {', '.join(form.cleaned_data['tags'])}.")
    elif action == "move":
        target = form.cleaned_data["target"]
        try:
            services.move_items(items=items, deck=target)
        except ValidationError as error:
            form.add_error("target", error)
            context = _deck_edit_context(request, deck, list(editor.editor_items(deck)), form)
            return render(request, "library/editor/deck_edit.html", context, status=422)
        messages.success(request, f"Moved {n} item{plural} to “{target.title}”.")
    elif action == "delete":
        if request.POST.get("confirm") != "1":
            return _delete_confirmation(request, deck, items)
        editor.delete_items(items=items)
        editor.renumber(deck=deck, ordered_ids=[])
        messages.success(request, f"Deleted {n} item{plural}.")
    return redirect("library:deck_edit", slug=deck.slug)


def _delete_confirmation(request, deck: Deck, items: list[Item]) -> HttpResponse:
    learners, states, logs = editor.studied_counts(items)
    return render(
        request,
        "library/editor/items_delete.html",
        {"deck": deck, "items": items, "learners": learners, "states": states, "logs": logs},
    )


@require_http_methods(["GET", "POST"])
@login_required
def item_delete(request: HtmxHttpRequest, item_id: int) -> HttpResponse:
    item = get_item_for_author(request.user, item_id)
    if request.method == "POST":
        deck = item.deck
        editor.delete_items(items=[item])
        editor.renumber(deck=deck, ordered_ids=[])
        messages.success(request, "Deleted 1 item.")
        return redirect("library:deck_edit", slug=deck.slug)
    return _delete_confirmation(request, item.deck, [item])


# --- The item editor -------------------------------------------------------------------------------------

QUIET_ACTIONS = {"change_kind", "add_choice", "add_event"}


@dataclass
class Editor:
    """The item form, the rows of its choices and events, and what the page needs to show them."""

    deck: Deck
    item: Item
    form: ItemForm
    choices: ChoiceRows
    events: EventRows
    confirm_reset: int = 0  # learners whose schedules a changed answer puts at stake (0: no question)
    preview: dict = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return self.form.kind

    def is_valid(self) -> bool:
        form_ok = self.form.is_valid()
        choices_ok = self.kind != ItemKind.MULTIPLE_CHOICE or self.choices.is_valid()
        events_ok = self.kind != ItemKind.CHRONOLOGY or self.events.is_valid()
        return form_ok and choices_ok and events_ok

    def choice_rows(self) -> list[ChoiceData]:
        return self.choices.rows() if self.kind == ItemKind.MULTIPLE_CHOICE else []

    def event_rows(self) -> list[EventData]:
        return self.events.rows() if self.kind == ItemKind.CHRONOLOGY else []


def _rows(formset_class, prefix: str, data: QueryDict | None, initial: list[dict], *, kind: str, quiet: bool):
    if data is not None and f"{prefix}-TOTAL_FORMS" in data:
        formset = formset_class(data, prefix=prefix)
    elif data is not None and not quiet:
        # The kind was changed without the page's rows (no JS, no "Change kind"): validate as no rows.
        formset = formset_class({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}, prefix=prefix)
    else:
        formset = formset_class(initial=initial, prefix=prefix)
    formset.kind = kind
    formset.quiet = quiet
    return formset


def _initial_rows(item: Item, kind: str) -> tuple[list[dict], list[dict]]:
    choices = (
        [{"text": c.text, "is_correct": c.is_correct, "ORDER": n} for n, c in enumerate(item.choices.all(), 1)]
        if item.pk
        else []
    )
    events = [{"text": e.text, "when": e.when, "sort_key": e.sort_key} for e in item.events.all()] if item.pk else []
    # A new multiple-choice item starts with four blank choices, a chronology with three blank events.
    if not choices:
        choices = [{"ORDER": n} for n in range(1, 5)]
    if not events:
        events = [{} for _ in range(3)]
    return choices, events


def _build_editor(request, deck: Deck, item: Item, *, quiet: bool = False) -> Editor:
    data = None
    if request.method == "POST":
        data = request.POST.copy()
        action = data.get("action", "")
        for name, prefix, limit in (("add_choice", "choices", MAX_CHOICES), ("add_event", "events", MAX_EVENTS)):
            total = parse_id(data.get(f"{prefix}-TOTAL_FORMS", ""))
            if action == name and total is not None and total < limit:
                data[f"{prefix}-TOTAL_FORMS"] = str(total + 1)
    initial = {"kind": request.GET.get("kind")} if request.GET.get("kind") in ItemKind.values else {}
    form = ItemForm(data, instance=item, deck=deck, quiet=quiet, initial=initial)
    choices, events = _initial_rows(item, form.kind)
    return Editor(
        deck=deck,
        item=item,
        form=form,
        choices=_rows(ChoiceRows, "choices", data, choices, kind=form.kind, quiet=quiet),
        events=_rows(EventRows, "events", data, events, kind=form.kind, quiet=quiet),
    )


def _preview(request, deck: Deck, item: Item) -> dict:
    """The question and answer sides of the item as the form holds it, or the problems that stop it."""
    ed = _build_editor(request, deck, item)
    if not ed.is_valid():
        problems = [*ed.form.non_field_errors()]
        for name, errors in ed.form.errors.items():
            if name != "__all__":
                label = ed.form.fields[name].label if name in ed.form.fields else name
                problems.extend(f"{label}: {error}" for error in errors)
        rows = {ItemKind.MULTIPLE_CHOICE: ed.choices, ItemKind.CHRONOLOGY: ed.events}.get(ed.kind)
        if rows is not None:
            problems.extend(rows.non_form_errors())
            problems.extend(
                f"Row {n}: {error}"
                for n, errors in enumerate(rows.errors, 1)
                for field_errors in errors.values()
                for error in field_errors
            )
        return {"problems": problems or ["Complete the form to see the preview."]}
    item = ed.form.instance
    unsaved = editor.UnsavedItem(item, ed.choice_rows(), ed.event_rows())
    if item.kind in (ItemKind.MULTIPLE_CHOICE, ItemKind.CHRONOLOGY):
        item.answer = derived_answer(item.kind, ed.choice_rows(), ed.event_rows())
    showing = presentation.Showing(uuid.uuid4())
    question = presentation.question(unsaved, showing)
    result = presentation.grade(unsaved, unsaved.right_response())
    return {
        "item": unsaved,
        "question": question,
        "result": result,
        "paragraph": selectors.paragraph_of(item.passage) if item.passage_id else [],
        # The rating buttons as the review card labels them (review's Rating: library doesn't import review).
        "ratings": [(1, "Again"), (2, "Hard"), (3, "Good"), (4, "Easy")],
    }


def _editor_page(request, ed: Editor, *, status: int = 200) -> HttpResponse:
    url = (
        reverse("library:item_edit", args=[ed.item.pk])
        if ed.item.pk
        else reverse("library:item_new", args=[ed.deck.slug])
    )
    passages = list(ed.deck.source.passages.all()) if ed.deck.source_id else []
    chosen = ed.form["passage"].value()
    chosen = str(chosen) if chosen not in (None, "") else ""
    current = next((p for p in passages if str(p.pk) == chosen), None)
    context = {
        "deck": ed.deck,
        "item": ed.item,
        "ed": ed,
        "form": ed.form,
        "form_url": url,
        "preview_url": reverse("library:item_preview", args=[ed.deck.slug]),
        "paragraphs": _paragraphs(passages),
        "chosen": chosen,
        "current": current,
        "current_paragraph": [p for p in passages if current and p.paragraph == current.paragraph],
        "preview": ed.preview or _preview(request, ed.deck, ed.item) if request.method == "POST" or ed.item.pk else {},
        "kinds": ItemKind.choices,
    }
    template = "library/editor/item_form.html"
    if request.htmx and request.method == "POST":
        template += "#editor"
    return render(request, template, context, status=status)


def _item_editor(request: HtmxHttpRequest, deck: Deck, item: Item) -> HttpResponse:
    action = request.POST.get("action", "save") if request.method == "POST" else ""
    if request.method == "GET" or action in QUIET_ACTIONS:
        return _editor_page(request, _build_editor(request, deck, item, quiet=action in QUIET_ACTIONS))
    ed = _build_editor(request, deck, item)
    if not ed.is_valid():
        return _editor_page(request, ed, status=422)
    if action == "preview":
        return _editor_page(request, ed)
    schedules = request.POST.get("schedules", "")
    if item.pk and schedules not in ("keep", "reset"):
        before = Item.objects.prefetch_related("choices", "events").get(pk=item.pk)
        after_answer = ed.form.instance.answer
        if ed.kind in (ItemKind.MULTIPLE_CHOICE, ItemKind.CHRONOLOGY):
            after_answer = ""
        changed = editor.saved_answer_key(before) != editor.answer_key(
            ed.kind, after_answer, ed.choice_rows(), ed.event_rows()
        )
        learners = editor.learners_who_studied(item) if changed else 0
        if learners:
            ed.confirm_reset = learners
            return _editor_page(request, ed)
    try:
        with transaction.atomic():
            saved = editor.save_item(
                item=ed.form.instance,
                choices=ed.choice_rows(),
                events=ed.event_rows(),
                tag_names=ed.form.cleaned_data.get("tags", []),
                reset=schedules == "reset",
            )
    except ValidationError as error:
        ed.form.add_error(None, error)
        return _editor_page(request, ed, status=422)
    note = f" {saved.reset} learner{'s' * (saved.reset != 1)} start it afresh." if saved.reset else ""
    messages.success(request, f"Item {'created' if saved.created else 'saved'}.{note}")
    if action == "save_add":
        target = reverse("library:item_new", args=[deck.slug]) + f"?kind={saved.item.kind}"
    else:
        target = reverse("library:deck_edit", args=[deck.slug]) + f"#item-{saved.item.pk}"
    return HttpResponseClientRedirect(target) if request.htmx else redirect(target)


@require_http_methods(["GET", "POST"])
@login_required
def item_new(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    deck = get_deck_for_author(request.user, slug)
    return _item_editor(request, deck, Item(deck=deck))


@require_http_methods(["GET", "POST"])
@login_required
def item_edit(request: HtmxHttpRequest, item_id: int) -> HttpResponse:
    item = get_item_for_author(request.user, item_id)
    return _item_editor(request, item.deck, item)


@require_POST
@login_required
def item_preview(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """The preview of the form's unsaved item; nothing is written (the item, if any, is read for its pk only)."""
    deck = get_deck_for_author(request.user, slug)
    item_id = parse_id(request.POST.get("item", ""))
    item = get_object_or_404(deck.items, pk=item_id) if item_id is not None else Item(deck=deck)
    return render(request, "library/editor/_preview.html", {"preview": _preview(request, deck, item)})
