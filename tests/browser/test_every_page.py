"""Every GET page of the app, for the role that sees it, at desktop (1280 px) and phone (390 px) widths: audited by
axe-core (serious and critical violations fail), no sideways scrolling on a phone, no console errors, no
Content-Security-Policy violations.

`PAGES` lists what is visited; `NOT_PAGES` lists, with a reason, the URL names that are not pages (POST-only
actions, downloads, redirects). A test holds the URLconf to the two lists, so a new page can't be forgotten.
The audit runs in parts (`PARTS`: the pages by role, cut into `PART_COUNT` runs) so that the test workers share
it; a test holds the parts to `PAGES`, each page in exactly one part. Each part builds one world (the demo deck,
class and quiz, an attempt finished and one open, a custom study, a suspended card) and each of its roles browses
it in one browser context.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from io import StringIO
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.http import QueryDict
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from studyapp.accounts import services as account_services
from studyapp.accounts.models import User
from studyapp.classroom.models import Classroom
from studyapp.library import drafting
from studyapp.library.models import Deck, ItemKind
from studyapp.quizzes import services as quiz_services
from studyapp.quizzes.models import Quiz
from studyapp.review import services as review_services
from studyapp.review.models import CustomStudyKind, ReviewState
from tests.browser.accessibility import violations
from tests.browser.conftest import RECORD_CSP_VIOLATIONS, csp_violations
from tests.browser.parts import even_runs
from tests.factories import ItemFactory, UserFactory

DESKTOP, PHONE = 1280, 390

# The app's namespaces (and its un-namespaced account pages); the admin's own URLs are not ours to list.
APP_NAMESPACES = frozenset({"library", "review", "progress", "classroom", "quizzes", "memory", None})

NOT_PAGES: dict[str, str] = {
    "favicon": "a redirect to the SVG icon",
    "logout": "POST only (Django's LogoutView)",
    "healthz": "JSON for load balancers",
    "library:deck_archive": "POST only",
    "library:co_owner_add": "POST only",
    "library:co_owner_remove": "POST only",
    "library:items_reorder": "POST only",
    "library:items_bulk": "POST only",
    "library:item_preview": "POST only (the editor's preview, an htmx partial; covered by the editor's swap test)",
    "library:draft_accept": "POST only",
    "library:draft_reject": "POST only",
    "library:draft_restore": "POST only",
    "library:import_confirm": "POST only",
    "library:import_new_confirm": "POST only",
    "review:add_deck": "POST only",
    "review:answer": "POST only (its feedback side is visited through review:session)",
    "review:rate": "POST only",
    "review:undo": "POST only",
    "review:card_action": "POST only",
    "review:unsuspend": "POST only",
    "review:custom_answer": "POST only",
    "review:custom_rate": "POST only",
    "review:custom_undo": "POST only",
    "review:custom_card_action": "POST only",
    "progress:exam_date": "POST only (its form is on progress:deck)",
    "progress:export_reviews_csv": "a CSV download",
    "progress:export_states_csv": "a CSV download",
    "progress:export_json": "a JSON download",
    "progress:deck_report_students_csv": "a CSV download",
    "progress:deck_report_items_csv": "a CSV download",
    "classroom:leave": "POST only",
    "classroom:regenerate_code": "POST only",
    "classroom:add_instructor": "POST only",
    "classroom:assign_deck": "POST only",
    "classroom:unassign_deck": "POST only",
    "classroom:remove_student": "POST only",
    "quizzes:start": "POST only",
    "quizzes:save": "POST only (the attempt page's save status is covered by the swap tests)",
    "quizzes:review_missed": "POST only",
    "quizzes:report_csv": "a CSV download",
    "quizzes:regrade": "POST only",
    "memory:optimise": "POST only (its panel is on review:settings)",
    "memory:restore_parameters": "POST only (its panel is on review:settings)",
    "memory:fit_status": "the Optimise panel as an htmx partial, polled by review:settings (plain GET redirects there)",
}


@dataclass
class World:
    deck: Deck
    classroom: Classroom
    quiz: Quiz
    student: User
    instructor: User
    admin: User
    finished_attempt: int
    open_attempt: int
    item_of_kind: dict[str, int]
    suspended_item: int
    draft_key: str  # a candidate of the demo article (its edit form, as a page without JavaScript)


@dataclass(frozen=True)
class Page:
    role: str
    name: str
    kwargs: Callable[[World], dict[str, Any]] = lambda world: {}
    query: str = ""
    then: Callable[[Any], None] | None = None  # steps that bring the page to the state audited
    label: str = ""
    ours: bool = True  # the app's own markup (the phone-width scroll check applies)

    def url(self, world: World) -> str:
        query = self.query.format(classroom=world.classroom.pk, draft_key=world.draft_key)
        return reverse(self.name, kwargs=self.kwargs(world)) + query

    def title(self) -> str:
        return f"{self.role} {self.label or self.name}"


def _deck(world: World) -> dict[str, Any]:
    return {"slug": world.deck.slug}


def _source(world: World) -> dict[str, Any]:
    return {"source_id": world.deck.source_id}


def _kind(kind: str) -> Callable[[World], dict[str, Any]]:
    return lambda world: {"item_id": world.item_of_kind[kind]}


def show_feedback(page) -> None:
    """Answer whatever card the session shows, by the card's own controls, and wait for its feedback side."""
    page.wait_for_selector("#study-card[data-phase='question'][data-ready]")
    kind = page.locator(".study-card").get_attribute("data-kind")
    if kind in {"basic", "reversed"}:
        page.locator("[data-key='show']").click()
    elif kind == "true_false":
        page.locator("[data-letter-key='t']").click()
    elif kind == "multiple_choice":
        page.locator("[data-choice-key='1']").click()
        page.locator(".card-form [type=submit]").last.click()
    elif kind == "chronology":
        page.keyboard.press("Alt+ArrowDown")
        page.keyboard.press("Enter")
    else:
        page.locator(".card-form input[type=text], .card-form textarea").first.fill("1927")
        page.keyboard.press("Enter")
    page.wait_for_selector("#study-card[data-phase='feedback'][data-ready]")


PAGES: tuple[Page, ...] = (
    # Anonymous visitors. (Deck and source pages ask for a login: the student visits them.)
    Page("anonymous", "library:home"),
    Page("anonymous", "login"),
    Page("anonymous", "sign_up"),
    Page("anonymous", "password_reset"),
    Page("anonymous", "password_reset_done"),
    Page(
        "anonymous",
        "password_reset_confirm",
        lambda world: {"uidb64": "MQ", "token": "set-password"},
        label="password reset, a link no longer valid",
    ),
    Page("anonymous", "password_reset_complete"),
    # A student of the demo class.
    Page("student", "library:home", label="home (logged in)"),
    Page("student", "library:deck_detail", _deck),
    Page("student", "library:source_detail", _source),
    Page("student", "review:home"),
    Page("student", "review:session", _deck, label="study card, question side"),
    Page("student", "review:session", _deck, then=show_feedback, label="study card, feedback side"),
    Page("student", "review:suspended", _deck),
    Page("student", "review:custom_study", _deck),
    Page("student", "review:custom_session", _deck),
    Page("student", "review:settings"),
    # The settings page again once htmx has loaded its retention forecast (the first run simulates a year).
    Page(
        "student",
        "review:settings",
        then=lambda page: page.wait_for_selector("#forecast-chart svg"),
        label="study settings with the retention forecast",
    ),
    Page("student", "memory:retention_forecast", query="?retention=0.80", label="retention forecast (without htmx)"),
    Page("student", "password_change"),
    Page("student", "password_change_done"),
    Page("student", "account"),
    Page("student", "email_change"),
    Page(
        "student",
        "email_change_confirm",
        lambda world: {"token": account_services.email_change_token(world.student, "ada.new@example.org")},
    ),
    Page("student", "account_delete"),
    Page("student", "second_factor_setup", label="second factor set-up (QR code)"),
    Page("student", "second_factor_disable", label="second factor turn-off (when off)"),
    # A user with a second factor, logged in with the password only: every page asks for the code.
    Page("second factor", "second_factor_verify"),
    Page("student", "progress:overview"),
    Page("student", "progress:deck", _deck),
    Page("student", "progress:item", lambda world: {"item_id": world.suspended_item}),
    Page("student", "classroom:home"),
    Page("student", "classroom:join"),
    Page("student", "classroom:join_link", lambda world: {"code": world.classroom.join_code}),
    Page("student", "classroom:detail", lambda world: {"pk": world.classroom.pk}),
    Page("student", "quizzes:detail", lambda world: {"pk": world.quiz.pk}),
    Page("student", "quizzes:attempt", lambda world: {"pk": world.open_attempt}),
    Page("student", "quizzes:submit", lambda world: {"pk": world.open_attempt}, label="submit confirmation"),
    Page("student", "quizzes:result", lambda world: {"pk": world.finished_attempt}),
    Page("student", "quizzes:practice_new", _deck),
    # The demo deck's owner, who teaches the demo class.
    Page("instructor", "library:my_decks"),
    Page("instructor", "library:deck_new"),
    Page("instructor", "library:source_new"),
    Page("instructor", "library:my_source", _source),
    Page("instructor", "library:deck_edit", _deck),
    Page("instructor", "library:deck_settings", _deck),
    Page("instructor", "library:item_new", _deck),
    *(Page("instructor", "library:item_edit", _kind(kind), label=f"item editor ({kind})") for kind in ItemKind.values),
    Page("instructor", "library:item_delete", _kind(ItemKind.BASIC), label="item delete confirmation"),
    Page("instructor", "library:drafts", _source),
    Page(
        "instructor",
        "library:draft_edit",
        _source,
        query="?key={draft_key}",
        label="a candidate's edit form (without JavaScript)",
    ),
    Page("instructor", "library:coverage", _source),
    Page("instructor", "library:check_deck", _deck),
    Page("instructor", "library:import", _deck),
    Page("instructor", "library:import_new"),
    Page("instructor", "library:export", _deck),
    Page("instructor", "progress:deck_report", _deck),
    Page(
        "instructor",
        "progress:deck_report",
        _deck,
        query="?classroom={classroom}",
        label="deck report for a class",
    ),
    Page("instructor", "classroom:home", label="classes (teaching)"),
    Page("instructor", "classroom:create"),
    Page("instructor", "classroom:detail", lambda world: {"pk": world.classroom.pk}, label="class page (teaching)"),
    Page("instructor", "classroom:student", lambda world: {"pk": world.classroom.pk, "user_id": world.student.pk}),
    Page("instructor", "quizzes:create", lambda world: {"classroom_pk": world.classroom.pk}),
    Page("instructor", "quizzes:edit", lambda world: {"pk": world.quiz.pk}),
    Page("instructor", "quizzes:delete", lambda world: {"pk": world.quiz.pk}, label="quiz delete confirmation"),
    Page("instructor", "quizzes:report", lambda world: {"pk": world.quiz.pk}),
    Page("instructor", "account_delete", label="account deletion with decks, a class and a quiz to pass on"),
    # An admin, in Django's admin.
    Page("admin", "admin:index", ours=False),
    Page("admin", "admin:library_item_changelist", ours=False),
    Page(
        "admin",
        "admin:library_item_change",
        lambda world: {"object_id": world.item_of_kind[ItemKind.MULTIPLE_CHOICE]},
        label="item change page (choices inline)",
        ours=False,
    ),
    Page(
        "admin",
        "admin:library_item_change",
        lambda world: {"object_id": world.item_of_kind[ItemKind.CHRONOLOGY]},
        label="item change page (events inline)",
        ours=False,
    ),
)


def _url_names(resolver: URLResolver, namespace: str | None = None) -> set[tuple[str | None, str]]:
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            names |= _url_names(pattern, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add((namespace, pattern.name))
    return names


def test_every_url_of_the_app_is_visited_or_said_not_to_be_a_page():
    app_names = {
        f"{namespace}:{name}" if namespace else name
        for namespace, name in _url_names(get_resolver())
        if namespace in APP_NAMESPACES
    }
    visited = {page.name for page in PAGES}
    forgotten = app_names - visited - set(NOT_PAGES)
    assert not forgotten, f"Pages neither visited in PAGES nor listed in NOT_PAGES (with a reason): {sorted(forgotten)}"
    assert not visited & set(NOT_PAGES), "A URL name is both visited and said not to be a page"
    assert not set(NOT_PAGES) - app_names, f"NOT_PAGES names URLs that are gone: {sorted(set(NOT_PAGES) - app_names)}"


def build_world() -> World:
    """The demo deck, class and quiz; the demo student's attempt finished and a second one open, a custom study
    and a suspended card; one item of each kind."""
    with override_settings(DEBUG=True):
        call_command("load_demo", quiet_logins=True, skip_history=True, stdout=StringIO())
    deck = Deck.objects.get(slug="left-opposition-1927")
    student = User.objects.get(username="ada")
    now = timezone.now()
    classroom = Classroom.objects.get(name="Demo class")
    quiz = classroom.quizzes.get()
    finished = quiz_services.start_attempt(quiz=quiz, learner=student, now=now)
    for question in finished.questions.filter(item__kind=ItemKind.NUMBER)[:2]:
        answer = QueryDict("response=1927")
        quiz_services.save_answer(attempt=finished, position=question.position, data=answer, now=now)
    quiz_services.submit_attempt(attempt=finished, now=now)
    open_attempt = quiz_services.start_attempt(quiz=quiz, learner=student, now=now)

    item_of_kind = {}
    for kind in ItemKind.values:
        item = deck.items.filter(kind=kind).order_by("position").first()
        item_of_kind[kind] = (item or ItemFactory(deck=deck, kind=kind)).pk
    state = ReviewState.objects.filter(learner=student, item__deck=deck).order_by("-item__position").first()
    review_services.suspend(learner=student, state_id=state.pk)
    review_services.start_custom_study(learner=student, deck=deck, kind=CustomStudyKind.CRAM, now=now)
    return World(
        deck=deck,
        classroom=classroom,
        quiz=quiz,
        student=student,
        instructor=User.objects.get(username="irene"),
        admin=User.objects.get(username="admin"),
        finished_attempt=finished.pk,
        open_attempt=open_attempt.pk,
        item_of_kind=item_of_kind,
        suspended_item=state.item_id,
        draft_key=drafting.draft(list(deck.source.passages.order_by("index")))[0].key,
    )


@dataclass
class Findings:
    """What went wrong, each problem once with the widths it was seen at."""

    widths: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    def add(self, page: Page, width: int | None, what: str) -> None:
        self.widths.setdefault((page.title(), what), []).append(f"{width} px" if width else "")

    def report(self) -> str:
        lines = [
            f"{title} ({', '.join(filter(None, widths)) or 'once'}): {what}"
            for (title, what), widths in self.widths.items()
        ]
        return f"{len(lines)} problems:\n" + "\n".join(lines)


def _context_for(browser, live_server, user: User | None):
    context = browser.new_context(viewport={"width": DESKTOP, "height": 900})
    context.set_default_timeout(10_000)
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    if user is not None:
        client = Client()
        client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
    return context


def _visit(page, live_server, world: World, spec: Page, findings: Findings, console: list[str]) -> None:
    url = spec.url(world)
    console.clear()
    response = page.goto(live_server.url + url)
    if response is None or response.status >= 400:
        findings.add(spec, None, f"GET {url} answered {response and response.status}")
        return
    if spec.then is not None:
        spec.then(page)
    for width in (DESKTOP, PHONE):
        page.set_viewport_size({"width": width, "height": 900})
        for violation in violations(page):
            findings.add(spec, width, violation)
        if spec.ours and width == PHONE:
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > PHONE:
                findings.add(spec, width, f"the page scrolls sideways ({scroll_width} px wide)")
    page.set_viewport_size({"width": DESKTOP, "height": 900})
    for violation in csp_violations(page):
        findings.add(spec, None, f"Content-Security-Policy violation: {violation}")
    for message in console:
        findings.add(spec, None, f"console error: {message}")


# The order the roles browse in, and how many parts the audit is cut into (about ten seconds of browsing each):
# parts enough for the test workers to share it.
ROLES = ("anonymous", "student", "instructor", "admin", "second factor")
PART_COUNT = 10


def _parts() -> dict[str, tuple[Page, ...]]:
    """PAGES by role in ROLES' order (each role's in PAGES' order), cut into PART_COUNT runs of about equal length."""
    pages = tuple(page for role in ROLES for page in PAGES if page.role == role)
    return {
        f"{index + 1}-of-{PART_COUNT}-" + "-".join(dict.fromkeys(page.role.replace(" ", "_") for page in run)): run
        for index, run in enumerate(even_runs(pages, PART_COUNT))
    }


PARTS = _parts()


def test_the_parts_visit_every_page_once():
    visited = [page for run in PARTS.values() for page in run]
    assert {page.role for page in PAGES} <= set(ROLES)
    assert len(visited) == len(PAGES)
    assert set(visited) == set(PAGES)


def _user_for(role: str, world: World) -> User | None:
    if role == "second factor":
        user = UserFactory(username="otp_user")
        TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
        return user
    return {"anonymous": None, "student": world.student, "instructor": world.instructor, "admin": world.admin}[role]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("part", PARTS)
def test_every_page_passes_the_audit_at_desktop_and_phone_widths(browser, live_server, part):
    world = build_world()
    findings = Findings()
    for role in dict.fromkeys(spec.role for spec in PARTS[part]):
        context = _context_for(browser, live_server, _user_for(role, world))
        page = context.new_page()
        console: list[str] = []
        page.on("console", lambda message, console=console: message.type == "error" and console.append(message.text))
        page.on("pageerror", lambda error, console=console: console.append(str(error)))
        for spec in PARTS[part]:
            if spec.role == role:
                _visit(page, live_server, world, spec, findings, console)
        context.close()
    assert not findings.widths, findings.report()
