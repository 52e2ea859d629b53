"""The study session: decks with their counts, the card, the answer, the rating.

Every view works as a plain form post and, for htmx requests, returns only the card partial.
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from studyapp.classroom import selectors as classroom_selectors
from studyapp.http import HtmxHttpRequest, posted
from studyapp.library import selectors as library_selectors
from studyapp.library.grading import Grade
from studyapp.library.models import Deck
from studyapp.review import cards, scheduling, selectors, services
from studyapp.review.forms import CustomStudyForm, StudySettingsForm
from studyapp.review.models import CustomStudy, Rating, ReviewState, StudiedDeck


@require_GET
@login_required
def study_home(request: HtmxHttpRequest) -> HttpResponse:
    now = timezone.now()
    study_settings = services.settings_for(request.user)
    studied = list(selectors.studied_decks(request.user))
    rows = [(entry.deck, selectors.queue_counts(request.user, study_settings, now, entry.deck)) for entry in studied]
    studied_ids = {entry.deck_id for entry in studied}
    others = [deck for deck in library_selectors.decks_for_home() if deck.pk not in studied_ids]
    # The classes that assign each deck, and their dates: one query for all the rows.
    assigned = classroom_selectors.assignments_by_deck(request.user)
    return render(request, "review/home.html", {"rows": rows, "others": others, "assigned": assigned})


@require_POST
@login_required
def add_deck(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    deck = library_selectors.get_deck(slug)
    if deck.archived_at and not StudiedDeck.objects.filter(learner=request.user, deck=deck).exists():
        # An archived deck keeps its learners but takes no new ones.
        messages.error(request, f"“{deck}” is archived: it takes no new learners.")
        return redirect(deck.get_absolute_url())
    services.study_deck(learner=request.user, deck=deck, now=timezone.now())
    messages.success(request, f"“{deck}” is in your studies.")
    return redirect("review:session", slug=deck.slug)


@dataclass(frozen=True)
class SessionUrls:
    """Where the card's forms post: the deck's daily queue here; another kind of session can bring its own.
    And the card's links, the same in every kind of session."""

    answer: str
    rate: str
    undo: str
    card_action: str
    deck: str
    session: str
    suspended: str
    custom_study: str

    @classmethod
    def of_deck(cls, deck: Deck) -> SessionUrls:
        """The deck's daily queue."""
        return _session_urls("", deck.slug, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)

    @classmethod
    def of_custom_study(cls, deck: Deck) -> SessionUrls:
        """The learner's custom study of the deck."""
        return _session_urls("custom_", deck.slug, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


@functools.lru_cache(maxsize=4096)
def _session_urls(prefix: str, slug: str, _script_prefix: str, _urlconf: str) -> SessionUrls:
    # Reversing eight URLs cost 0.4 ms a card; they change only with the slug (and the deployment's URLs).
    forms = {name: reverse(f"review:{prefix}{name}", args=[slug]) for name in ("answer", "rate", "undo", "card_action")}
    links = {name: reverse(f"review:{name}", args=[slug]) for name in ("session", "suspended", "custom_study")}
    return SessionUrls(**forms, **links, deck=reverse("library:deck_detail", args=[slug]))


def _card_context(request: HtmxHttpRequest, deck: Deck | int, *, notice: str = "") -> dict:
    """The next card: its question (never its answer), or the feedback of an answer shown but not yet rated.

    `deck` may be just its id: the deck then comes with the next card, saving a query on the review round trip.
    """
    now = timezone.now()
    study_settings = services.settings_for(request.user)
    counts, state = selectors.study_queue(request.user, study_settings, now, deck)
    if not isinstance(deck, Deck):
        deck = state.deck if state is not None else get_object_or_404(Deck, pk=deck)
    if state is None:
        return {
            "deck": deck,
            "counts": counts,
            "state": None,
            "notice": notice,
            "phase": "question",
            "next_due": selectors.next_due_at(request.user, now, deck),
        }
    if state.pending_answer is not None:
        # Answered and not yet rated (a reload, another tab, a flag): the same feedback, not a fresh question.
        return _feedback_context(request, deck, state, _regrade(state), notice=notice)
    client_uuid = uuid.uuid4()
    token = services.make_card_token(learner=request.user, state=state, client_uuid=client_uuid)
    return _question_context(deck, counts, state, token, cards.Showing(client_uuid), notice=notice)


def _question_context(deck: Deck, counts, state: ReviewState, token: str, showing: cards.Showing, *, notice="") -> dict:
    return {
        "deck": deck,
        "counts": counts,
        "state": state,
        "notice": notice,
        "phase": "question",
        "token": token,
        "question": cards.question(state, showing),
    }


def _regrade(state: ReviewState) -> Grade | None:
    """The kept answer graded again (grading is pure), for showing its feedback once more."""
    try:
        return cards.grade(state, state.pending_answer.get("response", ""))
    except cards.BadResponse:
        return None  # the item was edited since so that the answer no longer fits it


def _feedback_context(
    request: HtmxHttpRequest, deck: Deck, state: ReviewState, result: Grade | None, *, notice: str = ""
) -> dict:
    """The answer beside the learner's, the explanation, the source sentence and the four ratings."""
    showing = uuid.UUID(state.pending_answer["uuid"])  # the rating records the answer under this showing's id
    token = services.make_card_token(learner=request.user, state=state, client_uuid=showing)
    now = timezone.now()
    scheduler = scheduling.scheduler_for(services.settings_for(request.user), fuzz=False)
    intervals = scheduling.preview_intervals(scheduler, state, now)
    suggested = cards.suggested_rating(result)
    passage = state.item.passage
    return {
        "deck": deck,
        "phase": "feedback",
        "state": state,
        "notice": notice,
        "token": token,
        "reversed": cards.reversed_direction(state),
        "result": result,
        "paragraph": library_selectors.paragraph_of(passage) if passage else [],
        "ratings": [(rating, scheduling.format_interval(intervals[rating]), rating == suggested) for rating in Rating],
    }


def _render_card(request: HtmxHttpRequest, context: dict, status: int = 200) -> HttpResponse:
    template = "review/session.html#card" if request.htmx else "review/session.html"
    context.setdefault("urls", SessionUrls.of_deck(context["deck"]))
    return render(request, template, context, status=status)


def _next_card_response(
    request: HtmxHttpRequest, slug: str, deck: Deck | int, notice: str, level: int = messages.INFO
) -> HttpResponse:
    """After a change: htmx gets the next card with the notice; a plain form post is redirected
    to the session page (post/redirect/get), the notice travelling as a message."""
    if request.htmx:
        return _render_card(request, _card_context(request, deck, notice=notice))
    if notice:
        messages.add_message(request, level, notice)
    return redirect("review:session", slug=slug)


@require_GET
@login_required
def session(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    studied = selectors.get_studied_deck(request.user, slug)
    return _render_card(request, _card_context(request, studied.deck))


NOT_IN_STUDY = "That card is not part of this custom study; here is the study's next card."


class _DailySession:
    """Where an answered card comes from and what follows it, in the deck's daily queue."""

    def __init__(self, request: HtmxHttpRequest, deck: Deck) -> None:
        self.request, self.deck = request, deck

    def state(self, state_id: int) -> ReviewState | None:
        return selectors.get_card_state(self.request.user, state_id)

    def next_card(self, notice: str = "", *, error: bool = False) -> dict:
        return {**_card_context(self.request, self.deck, notice=notice), "notice_is_error": error}

    def question(self, state: ReviewState, token: str, showing: cards.Showing, notice: str) -> dict:
        learner = self.request.user
        counts = selectors.queue_counts(learner, services.settings_for(learner), timezone.now(), self.deck)
        return _question_context(self.deck, counts, state, token, showing, notice=notice)

    def feedback(self, state: ReviewState, result: Grade | None) -> dict:
        return _feedback_context(self.request, self.deck, state, result)


def _answer(request: HtmxHttpRequest, session) -> HttpResponse:
    """Grade the response on the server, keep it with the card, and show the answer with the four ratings.

    Nothing is scheduled yet; the question's token is spent, so the card can't be answered twice.
    """
    token = request.POST.get("token", "")
    try:
        card = services.read_card_token(token, learner=request.user)
    except services.BadToken as error:
        return _render_card(request, session.next_card(str(error), error=True))
    state = session.state(card.state_id)
    if state is None:
        return _render_card(request, session.next_card(NOT_IN_STUDY, error=True))
    if state.version != card.version:
        answered_here = state.pending_answer is not None and state.pending_answer.get("uuid") == card.client_uuid.hex
        if answered_here:  # a double click: the feedback already shown, once more
            return _render_card(request, session.feedback(state, _regrade(state)))
        return _render_card(request, session.next_card("That card was already answered."))
    showing = cards.Showing(card.client_uuid)
    try:
        text, response = cards.read_response(state, showing, request.POST)
        result = cards.grade(state, response)
    except cards.BadResponse as error:
        # The same card, token and order again, so the learner can complete their answer.
        context = session.question(state, token, showing, str(error))
        return _render_card(request, {**context, "notice_is_error": True}, status=422)
    correct = result.correct if result is not None else None
    try:
        state.version = services.record_answer(
            learner=request.user, card=card, response=response, text=text, correct=correct
        )
    except services.StaleCard as error:
        return _render_card(request, session.next_card(str(error)))
    state.pending_answer = {"uuid": card.client_uuid.hex, "response": response, "text": text, "correct": correct}
    return _render_card(request, session.feedback(state, result))


@require_POST
@login_required
def answer(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    return _answer(request, _DailySession(request, selectors.get_studied_deck(request.user, slug).deck))


def _duration_ms(request: HtmxHttpRequest) -> int | None:
    try:
        value = int(request.POST.get("duration_ms", ""))
    except ValueError:
        return None
    return min(max(value, 0), 60 * 60 * 1000)


@require_POST
@login_required
def rate(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Record the rating once, then show the next card.

    The hot path of studying: the response and its correctness are the ones the answer step kept
    on the server (the form carries only the token and the rating), and the deck of the next card
    comes with the recorded review rather than from a lookup of the slug.
    """
    try:
        rating = Rating(int(request.POST.get("rating", "")))
    except ValueError:
        return HttpResponseBadRequest("Rate with 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy).")
    notice = ""
    try:
        card = services.read_card_token(request.POST.get("token", ""), learner=request.user)
        outcome = services.record_review(
            learner=request.user, token=card, rating=rating, now=timezone.now(), duration_ms=_duration_ms(request)
        )
    except (services.BadToken, services.StaleCard) as error:
        deck, notice = selectors.get_studied_deck(request.user, slug).deck, str(error)
    else:
        deck = outcome.log.deck_id
        if outcome.became_leech:
            notice = "That item has lapsed too often: it is now a leech and suspended. Rewrite or unsuspend it later."
    return _next_card_response(request, slug, deck, notice, level=messages.WARNING)


@require_POST
@login_required
def undo(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    studied = selectors.get_studied_deck(request.user, slug)
    study_settings = services.settings_for(request.user)
    day = study_settings.day_at(timezone.now())
    undone = services.undo_last_review(learner=request.user, since=day.start)
    notice = "Undid your last review." if undone else "Nothing to undo today."
    return _next_card_response(request, slug, studied.deck, notice)


@require_POST
@login_required
def card_action(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Suspend, bury or flag the card on screen."""
    studied = selectors.get_studied_deck(request.user, slug)
    action = request.POST.get("action")
    try:
        card = services.read_card_token(request.POST.get("token", ""), learner=request.user)
    except services.BadToken as error:
        return _render_card(request, _card_context(request, studied.deck, notice=str(error)))
    state = selectors.get_state_for_learner(request.user, card.state_id)
    if action == "suspend":
        services.suspend(learner=request.user, state_id=state.pk)
        notice = "Suspended. Find it under Suspended items."
    elif action == "bury":
        services.bury(learner=request.user, state_id=state.pk, now=timezone.now())
        notice = "Buried until tomorrow."
    elif action in {"flag", "unflag"}:
        services.set_flag(learner=request.user, state_id=state.pk, flagged=action == "flag")
        notice = "Flagged for a later look." if action == "flag" else "Flag removed."
    else:
        return HttpResponseBadRequest("Unknown action.")
    return _next_card_response(request, slug, studied.deck, notice)


@require_GET
@login_required
def suspended_items(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    studied = selectors.get_studied_deck(request.user, slug)
    context = {
        "deck": studied.deck,
        "states": selectors.set_aside(request.user, studied.deck, suspended=True),
        "flagged": selectors.set_aside(request.user, studied.deck, flagged=True),
    }
    return render(request, "review/suspended.html", context)


@require_POST
@login_required
def unsuspend(request: HtmxHttpRequest, slug: str, state_id: int) -> HttpResponse:
    studied = selectors.get_studied_deck(request.user, slug)
    state = selectors.get_state_for_learner(request.user, state_id)
    services.unsuspend(learner=request.user, state_id=state.pk)
    messages.success(request, "Unsuspended: it will come up in your reviews again.")
    return redirect("review:suspended", slug=studied.deck.slug)


@require_http_methods(["GET", "POST"])
@login_required
def study_settings(request: HtmxHttpRequest) -> HttpResponse:
    instance = services.settings_for(request.user)
    form = StudySettingsForm(posted(request), instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Study settings saved.")
        return redirect("review:settings")
    return render(request, "review/settings.html", {"form": form}, status=422 if form.errors else 200)


# --- custom study: review ahead, forgotten items, by tag, cram ---------------------------------------------
#
# The same card, keyboard and answer machinery as the daily session (the context helpers above and
# review/session.html), over the cards of the learner's custom study of the deck instead of the queue;
# its forms post to the custom study's own URLs (SessionUrls). A learner has at most one per deck.


def _custom_extra(study: CustomStudy) -> dict:
    """What the custom session adds to the card's context: its header's figures and its own URLs."""
    return {
        "custom": study,
        "progress": selectors.custom_progress(study),
        "urls": SessionUrls.of_custom_study(study.deck),
    }


def _custom_card_context(request: HtmxHttpRequest, study: CustomStudy, *, notice: str = "", error=False) -> dict:
    """The study's next card (its question, or the feedback of its kept answer), or the summary at the end."""
    deck = study.deck
    entry = selectors.next_custom_card(study)
    extra = _custom_extra(study)
    if error:
        extra["notice_is_error"] = True
    if entry is None:
        return {"deck": deck, "state": None, "notice": notice, "phase": "question", **extra}
    state = entry.state
    if state.pending_answer is not None:
        return {**_custom_feedback(request, study, state, _regrade(state), notice=notice), **extra}
    client_uuid = uuid.uuid4()
    token = services.make_card_token(learner=request.user, state=state, client_uuid=client_uuid)
    return {**_question_context(deck, None, state, token, cards.Showing(client_uuid), notice=notice), **extra}


def _custom_feedback(request, study: CustomStudy, state: ReviewState, result: Grade | None, *, notice="") -> dict:
    """The daily session's feedback; without the intervals when the ratings leave the schedule alone."""
    context = _feedback_context(request, study.deck, state, result, notice=notice)
    if not study.reschedule:
        context["ratings"] = [(rating, "", suggested) for rating, _interval, suggested in context["ratings"]]
    return context


def _custom_next_response(
    request: HtmxHttpRequest, study: CustomStudy, notice: str, *, error: bool = False
) -> HttpResponse:
    """htmx gets the study's next card with the notice; a plain form post is redirected to the custom session."""
    if request.htmx:
        return _render_card(request, _custom_card_context(request, study, notice=notice, error=error))
    if notice:
        messages.add_message(request, messages.WARNING if error else messages.INFO, notice)
    return redirect("review:custom_session", slug=study.deck.slug)


@require_http_methods(["GET", "POST"])
@login_required
def custom_study(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """The custom study form: GET shows it, POST gathers the cards, starts the study and goes to its session."""
    deck = selectors.get_studied_deck(request.user, slug).deck
    form = CustomStudyForm(request.POST if request.method == "POST" else None, deck=deck)
    if request.method == "POST" and form.is_valid():
        try:
            _study, selection = services.start_custom_study(
                learner=request.user, deck=deck, now=timezone.now(), **form.cleaned_data
            )
        except services.EmptySelection as error:
            form.add_error(None, str(error))
        except IntegrityError:
            # Another tab started one at the same moment (the unique (learner, deck) refused this one).
            messages.warning(request, "A custom study of this deck was started elsewhere just now; here it is.")
            return redirect("review:custom_session", slug=deck.slug)
        else:
            if selection.capped:
                messages.info(
                    request,
                    f"{selection.found:,} items matched; this custom study takes the first "
                    f"{len(selection.state_ids):,} of them.",
                )
            return redirect("review:custom_session", slug=deck.slug)
    current = selectors.find_custom_study(request.user, deck)
    context = {
        "deck": deck,
        "form": form,
        "current": current,
        "current_progress": selectors.custom_progress(current) if current else None,
        "cap": f"{selectors.CUSTOM_STUDY_CAP:,}",
    }
    return render(request, "review/custom_study.html", context, status=422 if form.errors else 200)


@require_GET
@login_required
def custom_session(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    study = selectors.get_custom_study(request.user, slug)
    return _render_card(request, _custom_card_context(request, study))


class _CustomSession(_DailySession):
    """Where an answered card comes from and what follows it, in the learner's custom study of the deck."""

    def __init__(self, request: HtmxHttpRequest, study: CustomStudy) -> None:
        super().__init__(request, study.deck)
        self.study = study

    def state(self, state_id: int) -> ReviewState | None:
        return selectors.custom_card_state(self.study, state_id)

    def next_card(self, notice: str = "", *, error: bool = False) -> dict:
        return _custom_card_context(self.request, self.study, notice=notice, error=error)

    def question(self, state: ReviewState, token: str, showing: cards.Showing, notice: str) -> dict:
        return {**_question_context(self.deck, None, state, token, showing, notice=notice), **_custom_extra(self.study)}

    def feedback(self, state: ReviewState, result: Grade | None) -> dict:
        return {**_custom_feedback(self.request, self.study, state, result), **_custom_extra(self.study)}


@require_POST
@login_required
def custom_answer(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """As `answer`, for a card of the custom study."""
    return _answer(request, _CustomSession(request, selectors.get_custom_study(request.user, slug)))


@require_POST
@login_required
def custom_rate(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Record the rating on the study's card (and, when the study reschedules, as a review), then the next card."""
    try:
        rating = Rating(int(request.POST.get("rating", "")))
    except ValueError:
        return HttpResponseBadRequest("Rate with 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy).")
    notice, error = "", True
    try:
        card = services.read_card_token(request.POST.get("token", ""), learner=request.user)
        outcome = services.rate_custom_card(
            learner=request.user,
            deck_slug=slug,
            card=card,
            rating=rating,
            now=timezone.now(),
            duration_ms=_duration_ms(request),
        )
    except (services.BadToken, services.StaleCard) as problem:
        study, notice = selectors.get_custom_study(request.user, slug), str(problem)
    except services.NotInCustomStudy:
        study, notice = selectors.get_custom_study(request.user, slug), NOT_IN_STUDY
    else:
        study, error = outcome.card.study, False
        if outcome.became_leech:
            notice = "That item has lapsed too often: it is now a leech and suspended. Rewrite or unsuspend it later."
    return _custom_next_response(request, study, notice, error=error and bool(notice))


@require_POST
@login_required
def custom_undo(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    study = selectors.get_custom_study(request.user, slug)
    try:
        undone = services.undo_custom_card(learner=request.user, study=study, now=timezone.now())
    except services.UndoRefused as refused:
        return _custom_next_response(request, study, str(refused), error=True)
    notice = "Undid your last answer in this custom study." if undone else "Nothing to undo in this custom study."
    return _custom_next_response(request, study, notice)


@require_POST
@login_required
def custom_card_action(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Suspend, bury or flag the card on screen, as in the daily session; a buried card is set aside here."""
    study = selectors.get_custom_study(request.user, slug)
    action = request.POST.get("action")
    if action not in {"suspend", "bury", "flag", "unflag"}:
        return HttpResponseBadRequest("Unknown action.")
    try:
        card = services.read_card_token(request.POST.get("token", ""), learner=request.user)
    except services.BadToken as problem:
        return _custom_next_response(request, study, str(problem), error=True)
    if not study.cards.filter(state_id=card.state_id).exists():
        return _custom_next_response(request, study, NOT_IN_STUDY, error=True)
    if action == "suspend":
        services.suspend(learner=request.user, state_id=card.state_id)
        notice = "Suspended. Find it under Suspended items."
    elif action == "bury":
        services.bury_custom_card(learner=request.user, study=study, state_id=card.state_id, now=timezone.now())
        notice = "Buried until tomorrow, and set aside in this custom study."
    else:
        services.set_flag(learner=request.user, state_id=card.state_id, flagged=action == "flag")
        notice = "Flagged for a later look." if action == "flag" else "Flag removed."
    return _custom_next_response(request, study, notice)
