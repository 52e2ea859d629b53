"""Script payloads in every authored field, checked in a real browser on every page that shows them.

Payloads go into a deck file (prompt, answer, accepted answers, explanation, choices, events and their dates,
tags, the deck's title and description, the source's title, author, publication and text) imported through the
service, into an upload through the import preview page, and into an item written in the item editor; a student's
typed answers carry them too. Then every page that shows them is loaded, as the student and as the instructor,
and the page must run none of them: `window.__xss` stays undefined, no dialog opens, and no element carries an
event handler, an inline script, a frame or a `javascript:`/`data:` link.
"""

from __future__ import annotations

import contextlib
import json
from datetime import timedelta

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from studyapp.classroom.models import Membership
from studyapp.library import services
from studyapp.library.models import Deck, Item, ItemKind
from studyapp.library.text import split_passages
from studyapp.quizzes import services as quiz_services
from studyapp.quizzes.models import FeedbackTiming, Quiz, QuizItem, Selection
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, ClassroomFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Short ones fit the short columns (tags: 60 characters, an event's date: 100).
IMG = "<img src=x onerror=window.__xss=1>"
SVG = "<svg onload=window.__xss=1>"
PAYLOADS = [
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=1">',
    SVG,
    "[x](javascript:window.__xss=1)",
    '<a href="javascript:window.__xss=1">x</a>',
    '"><iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
    "[d](data:text/html;base64,PHNjcmlwdD5wYXJlbnQuX194c3M9MTwvc2NyaXB0Pg==)",
    "'><details open ontoggle=window.__xss=1>",
    '<div hx-get="/" hx-trigger="load" hx-on::after-request="window.__xss=1">h</div>',
    "[y](  JaVaScRiPt:window.__xss=1 )",
    "<a href='&#106;avascript:window.__xss=1'>z</a>",
    "<style>@import 'javascript:window.__xss=1';</style><math><mtext><img src=x onerror=window.__xss=1>",
]
# One line and several paragraphs: Markdown treats raw HTML differently inline and as a block.
INLINE = "Who wrote it? " + " ".join(PAYLOADS)
BLOCKS = "Read this.\n\n" + "\n\n".join(PAYLOADS)

SOURCE_TEXT = (
    f"In 1923 Leon Trotsky wrote a letter {IMG} to the party leaders. "
    f"Forty-six party members signed a platform {SVG} in October 1923.\n\n"
    "<script>window.__xss=1</script> The United Opposition was formed in 1926. "
    '"><iframe srcdoc="<script>parent.__xss=1</script>"></iframe> Its members were expelled in 1927.'
)

# What a page must not contain: run by the browser over the whole document.
AUDIT = r"""() => {
  const found = [];
  if (typeof window.__xss !== "undefined") found.push("window.__xss is set");
  const scheme = (value) => value.replace(/[\s\u0000-\u001f]/g, "").toLowerCase();
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith("on") || name.startsWith("hx-on")) found.push(`<${el.tagName}> has ${name}`);
      if (["href", "src", "action", "formaction", "xlink:href", "data", "srcdoc"].includes(name)) {
        const value = scheme(attr.value);
        if (name === "srcdoc" || /^(javascript|vbscript|data):/.test(value)) {
          found.push(`<${el.tagName}> ${name}=${attr.value}`);
        }
      }
    }
  }
  for (const script of document.scripts) if (!script.src) found.push("an inline <script>");
  for (const el of document.querySelectorAll("iframe, frame, object, embed")) found.push(`a <${el.tagName}>`);
  return found;
}"""


def payload_document(slug: str) -> dict:
    """A deck file with a payload in every field it carries, the first items linked to the source's sentences."""
    spans = split_passages(SOURCE_TEXT)

    def item(kind: str, number: int, **fields) -> dict:
        return {
            "kind": kind,
            "prompt": BLOCKS if number % 2 else INLINE,
            "answer": "",
            "accepted_answers": [],
            "explanation": BLOCKS,
            "tags": [IMG, SVG, f"t{number}"],
            # One item per sentence: studying one buries the others drawn from its sentence until tomorrow.
            "passage": {"index": number} if number < len(spans) else None,
            **fields,
        }

    return {
        "format": "studyapp-deck",
        "version": 1,
        "deck": {"slug": slug, "title": f"Payloads {IMG}", "description": BLOCKS},
        "source": {"title": f"Source {SVG}", "author": IMG, "publication": SVG, "text": SOURCE_TEXT},
        "items": [
            item(ItemKind.BASIC, 0, answer=BLOCKS),
            item(ItemKind.REVERSED, 1, prompt=f"Front {IMG}", answer=f"Back {SVG} {INLINE}"),
            item(ItemKind.TYPED, 2, answer=f"Trotsky {IMG}", accepted_answers=[IMG, PAYLOADS[0]]),
            item(ItemKind.CLOZE, 3, prompt=f"{INLINE} In 1923 {{{{{IMG}}}}} wrote a letter.", answer=IMG),
            item(
                ItemKind.MULTIPLE_CHOICE,
                4,
                choices=[
                    {"text": IMG, "correct": True},
                    {"text": PAYLOADS[5], "correct": False},
                    {"text": "[x](javascript:window.__xss=1)", "correct": False},
                ],
            ),
            item(ItemKind.TRUE_FALSE, 5, answer="True"),
            item(ItemKind.NUMBER, 6, answer="1923", tolerance=0),
            item(
                ItemKind.CHRONOLOGY,
                7,
                events=[
                    {"text": PAYLOADS[0], "when": IMG, "sort_key": 19230000},
                    {"text": PAYLOADS[5], "when": SVG, "sort_key": 19260000},
                    {"text": " ".join(PAYLOADS[6:]), "when": "[x](javascript:window.__xss=1)", "sort_key": 19270000},
                ],
            ),
        ],
    }


@pytest.fixture
def cast():
    instructor = UserFactory(username="irene", roles=["Instructors"])
    student = UserFactory(username="ada", roles=["Students"])
    deck = services.import_deck(payload_document("payloads"), owner=instructor)
    classroom = ClassroomFactory(name=f"History {IMG}", created_by=instructor)
    Membership.objects.create(classroom=classroom, student=student)
    classroom.assignments.create(deck=deck)
    quiz = Quiz.objects.create(
        title=f"Quiz {SVG}",
        classroom=classroom,
        owner=instructor,
        selection=Selection.FIXED,
        feedback_timing=FeedbackTiming.SUBMISSION,
        time_limit=timedelta(hours=1),
    )
    quiz.decks.add(deck)
    QuizItem.objects.bulk_create(
        QuizItem(quiz=quiz, item=item, position=position) for position, item in enumerate(deck.items.all(), start=1)
    )
    # One submitted attempt whose typed answers are payloads too (the result and the report show them), and one
    # open attempt (its page shows the questions).
    now = timezone.now()
    attempt = quiz_services.start_attempt(quiz=quiz, learner=student, now=now)
    for question in attempt.questions.all():
        data = QueryDict(mutable=True)
        data["response"] = IMG
        # A kind that can't take a typed answer (a choice, an order) is left blank.
        with contextlib.suppress(quiz_services.AnswerRefused):
            quiz_services.save_answer(attempt=attempt, position=question.position, data=data, now=now)
    quiz_services.submit_attempt(attempt=attempt, now=now)
    open_attempt = quiz_services.start_attempt(quiz=quiz, learner=student, now=now)
    return {
        "instructor": instructor,
        "student": student,
        "deck": deck,
        "classroom": classroom,
        "quiz": quiz,
        "result": attempt,
        "attempt": open_attempt,
    }


class Watch:
    """Dialogs opened on the page, and the audit of each page state."""

    def __init__(self, page, live_server):
        self.page, self.url, self.dialogs, self.checked = page, live_server.url, [], []
        page.on("dialog", self._dialog)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message} on {self.page.url}")
        dialog.dismiss()

    def check(self, where: str, *, audit_accessibility: bool = False, shows: bool = True) -> None:
        self.page.wait_for_load_state("load")
        self.page.wait_for_timeout(50)  # an onerror or onload handler would have run by now
        found = self.page.evaluate(AUDIT)
        assert not found, f"{where} ({self.page.url}): {found}"
        if shows:  # the payloads are on the page, as text
            assert "__xss" in self.page.locator("body").inner_text(), f"{where} shows no payload"
        assert not self.dialogs, self.dialogs
        if audit_accessibility:
            assert_accessible(self.page, where)
        self.checked.append(where)

    def visit(self, path: str, where: str, **kwargs) -> None:
        response = self.page.goto(f"{self.url}{path}")
        assert response is not None, f"{where}: {path} gave no response"
        assert response.status == 200, f"{where}: {path} gave {response.status}"
        self.check(where, **kwargs)


def study_every_card(page, watch: Watch) -> int:
    """Answer each card the session shows, checking its question and feedback sides; the number answered."""
    for answered in range(30):
        page.wait_for_selector("#study-card[data-ready], .empty-queue")
        if page.locator(".empty-queue").count():
            return answered
        watch.check(f"card {answered + 1}, question side")
        article = page.locator("#study-card article")
        kind = article.get_attribute("data-kind")
        if page.locator("[data-key='show']").count():
            page.locator("[data-key='show']").click()
        elif kind == ItemKind.TRUE_FALSE:
            page.keyboard.press("t")
        elif kind == ItemKind.MULTIPLE_CHOICE:
            page.keyboard.press("1")
            page.keyboard.press("Enter")
        elif kind == ItemKind.CHRONOLOGY:
            page.keyboard.press("Alt+ArrowDown")  # focus starts on the first event; any move may be checked
            page.keyboard.press("Enter")
        else:
            page.locator("#response").fill("1923" if kind == ItemKind.NUMBER else IMG)
            page.keyboard.press("Enter")
        page.wait_for_selector("#study-card[data-phase='feedback'][data-ready]")
        watch.check(f"card {answered + 1} ({kind}), feedback side")
        page.keyboard.press("4")  # Easy: out of the learning steps, so each card comes once
        page.wait_for_selector("#study-card[data-phase='question'], .empty-queue")
    raise AssertionError("the session never ended")


def test_no_script_in_any_authored_field_runs_on_any_page(live_server, page, cast):
    watch = Watch(page, live_server)
    # The audit itself: it sees a handler that ran, the handler, and a javascript: link.
    page.set_content(f"<p>{IMG}</p><a href=' javascript:void(0)'>x</a>")
    page.wait_for_function("typeof window.__xss !== 'undefined'")
    assert len(page.evaluate(AUDIT)) == 3
    deck, quiz, classroom = cast["deck"], cast["quiz"], cast["classroom"]
    items = list(deck.items.order_by("position"))
    source = deck.source

    # The student: the deck and source pages, a whole study session, progress, the class and the quiz.
    log_in(page, live_server, "ada", PASSWORD)
    watch.visit(reverse("library:home"), "the deck list")
    watch.visit(reverse("library:deck_detail", args=[deck.slug]), "the deck page", audit_accessibility=True)
    page.get_by_role("button", name="Study this deck").click()
    assert study_every_card(page, watch) >= len(items)
    assert_accessible(page, "the end of the session")
    for path, where in [
        (reverse("library:source_detail", args=[source.pk]), "the source page"),
        (reverse("review:home"), "the study home"),
        (reverse("progress:overview"), "progress"),
        (reverse("progress:deck", args=[deck.slug]), "the deck's progress"),
        (reverse("classroom:detail", args=[classroom.pk]), "the class page"),
        (reverse("quizzes:detail", args=[quiz.pk]), "the quiz page"),
        (reverse("quizzes:attempt", args=[cast["attempt"].pk]), "the quiz attempt"),
        (reverse("quizzes:result", args=[cast["result"].pk]), "the quiz result"),
        (reverse("review:custom_study", args=[deck.slug]), "custom study"),
        (reverse("quizzes:practice_new", args=[deck.slug]), "a new practice test"),
    ]:
        watch.visit(path, where, audit_accessibility=True)
    for item in items:
        watch.visit(reverse("progress:item", args=[item.pk]), f"the history of the {item.kind} item")

    # The instructor: every authoring page, the reports, and an item written in the editor with its preview.
    log_in(page, live_server, "irene", PASSWORD)
    for path, where in [
        (reverse("library:my_decks"), "my decks"),
        (reverse("library:my_source", args=[source.pk]), "the source split into sentences"),
        (reverse("library:deck_edit", args=[deck.slug]), "the deck's editor"),
        (reverse("library:deck_settings", args=[deck.slug]), "the deck's settings"),
        (reverse("library:coverage", args=[source.pk]), "the coverage map"),
        (reverse("library:check_deck", args=[deck.slug]), "the checker"),
        (reverse("library:export", args=[deck.slug]), "export"),
        (reverse("progress:deck_report", args=[deck.slug]), "the deck report"),
        (reverse("classroom:detail", args=[classroom.pk]), "the class page (teaching)"),
        (reverse("classroom:student", args=[classroom.pk, cast["student"].pk]), "the student's page"),
        (reverse("quizzes:report", args=[quiz.pk]), "the quiz report"),
        (reverse("quizzes:edit", args=[quiz.pk]), "the quiz's settings"),
    ]:
        watch.visit(path, where, audit_accessibility=True)
    # Drafting: the page, then with every candidate's edit form fetched by its Edit link (the forms come on demand),
    # then one candidate's form as the page it is without JavaScript.
    watch.visit(reverse("library:drafts", args=[source.pk]), "drafting", audit_accessibility=True)
    edit_links = page.locator("a[data-draft-action='edit']")
    candidates = edit_links.count()
    assert candidates
    while left := edit_links.count():
        edit_links.first.click()
        page.wait_for_function(f"() => document.querySelectorAll('a[data-draft-action=edit]').length < {left}")
    assert page.locator("[data-editing] details.draft-edit[open] textarea").count() == candidates
    watch.check("drafting with every edit form fetched", audit_accessibility=True)
    key = page.locator("[data-editing]").first.get_attribute("id").removeprefix("candidate-")
    watch.visit(f"{reverse('library:draft_edit', args=[source.pk])}?key={key}", "a candidate's edit form (no JS)")
    for item in items:
        watch.visit(reverse("library:item_edit", args=[item.pk]), f"the editor of the {item.kind} item")
        # The live preview: a keystroke re-renders it from the form (htmx).
        with page.expect_response(lambda response: "/items/preview/" in response.url):
            page.locator("#id_prompt").press("End")
            page.locator("#id_prompt").type(" ")
        watch.check(f"the live preview of the {item.kind} item")

    # An item written through the real editor form, previewed, then saved and shown in the deck's list.
    watch.visit(reverse("library:item_new", args=[deck.slug]), "a new item")
    page.get_by_label("Kind").select_option(ItemKind.TYPED)
    page.locator("#id_accepted_answers").wait_for()
    page.locator("#id_prompt").fill(BLOCKS)
    page.locator("#id_answer").fill(f"Trotsky {SVG}")
    page.locator("#id_accepted_answers").fill("\n".join(PAYLOADS))
    page.locator("#id_explanation").fill(INLINE)
    page.locator("#id_tags").fill(IMG)
    page.get_by_role("button", name="Preview").click()
    page.locator("#item-preview .correct-answer").wait_for()
    watch.check("the editor's preview of a new item", audit_accessibility=True)
    page.get_by_role("button", name="Create the item", exact=True).click()
    page.get_by_text("Item created.").wait_for()
    watch.check("the deck's editor after the new item")
    written = Item.objects.get(deck=deck, answer=f"Trotsky {SVG}")
    assert written.accepted_answers == PAYLOADS  # stored as typed: escaping is the page's job
    watch.visit(reverse("library:deck_detail", args=[deck.slug]), "the deck page with the new item")

    # The import page: the upload's preview, then the confirmed import's deck.
    watch.visit(reverse("library:import_new"), "the import page", shows=False)  # nothing uploaded yet
    page.get_by_label("File").set_input_files(
        files=[
            {
                "name": "payloads.json",
                "mimeType": "application/json",
                "buffer": json.dumps(payload_document("payloads-uploaded")).encode(),
            }
        ]
    )
    page.get_by_role("button", name="Preview").click()
    page.get_by_role("heading", name="Preview: 8 items to create").wait_for()
    watch.check("the import preview", audit_accessibility=True)
    page.get_by_role("button", name="Import 8 items").click()
    page.wait_for_load_state("load")
    watch.check("after the import")
    uploaded = Deck.objects.get(slug="payloads-uploaded")
    assert uploaded.items.count() == 8
    watch.visit(reverse("library:deck_edit", args=[uploaded.slug]), "the imported deck's editor")
    watch.visit(reverse("library:check_deck", args=[uploaded.slug]), "the imported deck's checker")

    assert not watch.dialogs
    assert len(watch.checked) > 60
