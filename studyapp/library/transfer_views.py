"""Import and export pages: upload, preview, confirm (all or nothing); downloads in every format.

The preview saves nothing. The uploaded bytes wait in the uploader's session (compressed) under a
random token that the preview's confirm form carries back: the confirmation parses and validates
the same bytes again and imports them, so nothing the browser re-posts is trusted as parsed data.
"""

from __future__ import annotations

import base64
import secrets
import zlib

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from studyapp.http import HtmxHttpRequest
from studyapp.library import formats
from studyapp.library.access import get_deck_for_author, require_author
from studyapp.library.formats import FormatError
from studyapp.library.models import Deck
from studyapp.library.transfer import EXPORT_FORMATS, ImportRefused, Plan, export_file, import_parsed, plan_import

SESSION_KEY = "library.import"
PREVIEW_ROWS = 200
PREVIEW_PROBLEMS = 500
FORMAT_LABELS = {
    "csv": "CSV (Anki, Quizlet, spreadsheets)",
    "tsv": "TSV, tab-separated (Anki, Quizlet)",
    "gift": "Moodle GIFT",
    "json": "studyapp deck file (JSON)",
    "apkg": "Anki package (.apkg)",
}


class ImportForm(forms.Form):
    file = forms.FileField(help_text="CSV or TSV (Anki, Quizlet), Moodle GIFT, or a studyapp deck file; at most 5 MB.")
    format = forms.ChoiceField(
        choices=[("", "Guess from the file's name")] + [(name, FORMAT_LABELS[name]) for name in formats.FORMATS],
        required=False,
    )

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload is None:
            return data
        limit = settings.DECK_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(f"The file is {upload.size:,} bytes; the limit is {limit:,} bytes.")
        data["format"] = data.get("format") or formats.guess_format(upload.name)
        if not data["format"]:
            raise forms.ValidationError("Can't tell the format from the file's name: choose it in the list.")
        return data


def _target(request: HtmxHttpRequest, slug: str | None) -> Deck | None:
    """The deck imported into (its editors only), or None for a new deck (instructors and admins)."""
    if slug is None:
        require_author(request.user)
        return None
    return get_deck_for_author(request.user, slug)


def _urls(deck: Deck | None) -> dict[str, str]:
    if deck is None:
        return {"form": reverse("library:import_new"), "confirm": reverse("library:import_new_confirm")}
    return {
        "form": reverse("library:import", args=[deck.slug]),
        "confirm": reverse("library:import_confirm", args=[deck.slug]),
    }


def _page(request, deck: Deck | None, *, form: ImportForm, plan: Plan | None = None, token="", errors=(), status=200):
    context = {"deck": deck, "form": form, "plan": plan, "token": token, "errors": errors, "urls": _urls(deck)}
    if plan is not None:
        context |= {
            "rows": plan.items[:PREVIEW_ROWS],
            "more_rows": max(0, len(plan.items) - PREVIEW_ROWS),
            "problems": plan.problems[:PREVIEW_PROBLEMS],
            "more_problems": max(0, len(plan.problems) - PREVIEW_PROBLEMS),
        }
    template = (
        "library/transfer/import.html#result" if request.htmx and plan is not None else "library/transfer/import.html"
    )
    if request.htmx and plan is None and status >= 400:
        # A refused upload re-renders the form with its errors: htmx swaps 422s (base.html) and the page's section.
        response = render(request, template, context, status=422)
        response["HX-Retarget"] = response["HX-Reselect"] = ".transfer-page"
        response["HX-Reswap"] = "outerHTML"
        return response
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def import_into(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    return _import_page(request, _target(request, slug))


@require_http_methods(["GET", "POST"])
@login_required
def import_new(request: HtmxHttpRequest) -> HttpResponse:
    return _import_page(request, _target(request, None))


def _import_page(request: HtmxHttpRequest, deck: Deck | None) -> HttpResponse:
    if request.method == "GET":
        return _page(request, deck, form=ImportForm())
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, deck, form=form, status=400)
    upload, format = form.cleaned_data["file"], form.cleaned_data["format"]
    raw = upload.read()
    try:
        parsed = formats.parse(raw, format)
    except FormatError as error:
        form.add_error("file", error.errors)
        return _page(request, deck, form=form, status=400)
    plan = plan_import(parsed, owner=request.user, deck=deck, filename=upload.name)
    token = ""
    if plan.ok:
        token = secrets.token_urlsafe(16)
        request.session[SESSION_KEY] = {
            "token": token,
            "deck": deck.slug if deck else "",
            "format": format,
            "filename": upload.name,
            "data": base64.b64encode(zlib.compress(raw)).decode(),
        }
    else:
        request.session.pop(SESSION_KEY, None)
    return _page(request, deck, form=ImportForm(initial={"format": format}), plan=plan, token=token)


@require_POST
@login_required
def import_into_confirm(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    return _confirm(request, _target(request, slug))


@require_POST
@login_required
def import_new_confirm(request: HtmxHttpRequest) -> HttpResponse:
    return _confirm(request, _target(request, None))


def _confirm(request: HtmxHttpRequest, deck: Deck | None) -> HttpResponse:
    pending = request.session.get(SESSION_KEY)
    token = request.POST.get("token", "")
    if (
        not pending
        or not token
        or not secrets.compare_digest(pending["token"], token)
        or pending["deck"] != (deck.slug if deck else "")
    ):
        errors = ["This preview has expired or belongs to another upload: upload the file again."]
        return _page(request, deck, form=ImportForm(), errors=errors, status=400)
    raw = zlib.decompress(base64.b64decode(pending["data"]))
    try:
        parsed = formats.parse(raw, pending["format"])
        result = import_parsed(parsed, owner=request.user, deck=deck, filename=pending["filename"])
    except (FormatError, ImportRefused) as error:
        # The deck or the file's items changed since the preview (someone else's edit): show why, save nothing.
        return _page(request, deck, form=ImportForm(), errors=error.errors[:PREVIEW_PROBLEMS], status=400)
    del request.session[SESSION_KEY]
    count = len(parsed.rows)
    messages.success(request, f"Imported {count} item{'s' if count != 1 else ''} into “{result.title}”.")
    return redirect("library:deck_edit", result.slug)


@require_GET
@login_required
@never_cache
def export(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """The export page, or with ?format= the download (never cached: it holds the answers)."""
    deck = get_deck_for_author(request.user, slug)
    format = request.GET.get("format")
    if format is None:
        choices = [(name, FORMAT_LABELS[name]) for name in EXPORT_FORMATS]
        return render(request, "library/transfer/export.html", {"deck": deck, "choices": choices})
    if format not in EXPORT_FORMATS:
        return HttpResponseBadRequest(f"Choose a format: {', '.join(EXPORT_FORMATS)}.", content_type="text/plain")
    exported = export_file(deck, format)
    response = HttpResponse(exported.content, content_type=exported.content_type)
    response["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
    return response
