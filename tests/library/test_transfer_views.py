"""The import and export pages: who may reach them, preview then confirm (all or nothing), downloads."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from studyapp.library.models import Deck, Item
from studyapp.library.transfer import export_file
from studyapp.library.transfer_views import SESSION_KEY
from tests.factories import DeckFactory, ItemFactory

pytestmark = pytest.mark.django_db

GOOD_CSV = b"Who wrote the letter?,Trotsky,people\nWhen?,1923\n"
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def deck(instructor) -> Deck:
    deck = DeckFactory(owner=instructor, slug="opposition", title="Opposition deck")
    ItemFactory(deck=deck)
    return deck


def upload(content: bytes = GOOD_CSV, name: str = "cards.csv", **extra) -> dict:
    return {"file": SimpleUploadedFile(name, content, content_type="text/csv"), **extra}


def preview(client, deck, content: bytes = GOOD_CSV, name: str = "cards.csv", **extra):
    url = reverse("library:import", args=[deck.slug]) if deck else reverse("library:import_new")
    return client.post(
        url, upload(content, name, **extra), **({"HTTP_HX_REQUEST": "true"} if extra.pop("htmx", False) else {})
    )


def confirm(client, deck, token: str):
    url = reverse("library:import_confirm", args=[deck.slug]) if deck else reverse("library:import_new_confirm")
    return client.post(url, {"token": token})


# --- Who may reach what -------------------------------------------------------------------------------------

CAST_STATUS = {"student_a": 403, "student_b": 403, "other_instructor": 404, "instructor": 200, "admin_user": 200}


@pytest.mark.parametrize("who", CAST_STATUS)
@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("library:import", "get"),
        ("library:import", "post"),
        ("library:export", "get"),
        ("library:import_confirm", "post"),
    ],
)
def test_the_pages_of_a_deck_are_its_editors_only(client, request, deck, who, name, method):
    client.force_login(request.getfixturevalue(who))
    url = reverse(name, args=[deck.slug])

    response = client.get(url) if method == "get" else client.post(url, upload() if name == "library:import" else {})

    expected = CAST_STATUS[who]
    if name == "library:import_confirm" and expected == 200:
        expected = 400  # no upload waiting in this session
    assert response.status_code == expected
    assert deck.items.count() == 1


@pytest.mark.parametrize(("who", "expected"), [("student_a", 403), ("other_instructor", 200), ("admin_user", 200)])
def test_importing_a_new_deck_is_for_instructors_and_admins(client, request, who, expected):
    client.force_login(request.getfixturevalue(who))

    assert client.get(reverse("library:import_new")).status_code == expected
    assert preview(client, None).status_code == expected


@pytest.mark.parametrize("name", ["library:import", "library:export"])
def test_visitors_are_sent_to_log_in(client, deck, name):
    response = client.get(reverse(name, args=[deck.slug]))

    assert response.status_code == 302
    assert "/login/" in response["Location"]


# --- Preview, then confirm -----------------------------------------------------------------------------------


def test_the_preview_lists_what_will_be_created_and_saves_nothing(client, instructor, deck):
    client.force_login(instructor)

    response = preview(client, deck)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Preview: 2 items to create" in page
    assert "Who wrote the letter?" in page
    assert "line 2" in page
    assert deck.items.count() == 1
    assert client.session[SESSION_KEY]["deck"] == "opposition"


def test_confirming_imports_everything_and_goes_to_the_deck(client, instructor, deck):
    client.force_login(instructor)
    token = preview(client, deck).context["token"]

    response = confirm(client, deck, token)

    assert response.status_code == 302
    assert response["Location"] == reverse("library:deck_edit", args=[deck.slug])
    assert list(deck.items.order_by("position").values_list("prompt", flat=True))[1:] == [
        "Who wrote the letter?",
        "When?",
    ]
    assert SESSION_KEY not in client.session


def test_a_confirmation_can_not_be_replayed(client, instructor, deck):
    client.force_login(instructor)
    token = preview(client, deck).context["token"]
    confirm(client, deck, token)

    response = confirm(client, deck, token)

    assert response.status_code == 400
    assert "upload the file again" in response.content.decode()
    assert deck.items.count() == 3


def test_a_made_up_token_imports_nothing(client, instructor, deck):
    client.force_login(instructor)
    preview(client, deck)

    assert confirm(client, deck, "not-the-token").status_code == 400
    assert deck.items.count() == 1


def test_a_preview_of_one_deck_can_not_be_confirmed_into_another(client, instructor, deck):
    other = DeckFactory(owner=instructor, slug="other")
    client.force_login(instructor)
    token = preview(client, deck).context["token"]

    assert confirm(client, other, token).status_code == 400
    assert other.items.count() == 0


def test_every_problem_is_listed_by_line_and_nothing_can_be_confirmed(client, instructor, deck):
    client.force_login(instructor)

    response = preview(client, deck, b"Q1,A1\nQ2,\n,A3\n")

    page = response.content.decode()
    assert "2 problems" in page
    assert "<strong>line 2</strong>: back: Write the answer." in page
    assert "<strong>line 3</strong>: front: Write the question" in page
    assert 'name="token"' not in page
    assert SESSION_KEY not in client.session


def test_a_file_that_can_not_be_read_is_a_400_naming_the_line(client, instructor, deck):
    client.force_login(instructor)

    response = preview(client, deck, "Q,A\nCafé,x\n".encode("latin-1"))

    assert response.status_code == 400
    assert "line 2, byte 0xe9 is not UTF-8" in response.content.decode()


def test_a_file_over_the_limit_is_refused(client, instructor, deck, settings):
    settings.DECK_IMPORT_MAX_BYTES = 10
    client.force_login(instructor)

    response = preview(client, deck)

    assert response.status_code == 400
    assert "the limit is 10 bytes" in response.content.decode()


def test_an_unknown_extension_asks_for_the_format(client, instructor, deck):
    client.force_login(instructor)

    response = preview(client, deck, b"Q {T}", name="quiz.dat")
    assert response.status_code == 400
    assert "tell the format from the file" in response.content.decode()

    response = preview(client, deck, b"Q {T}", name="quiz.dat", format="gift")
    assert response.status_code == 200
    assert "Preview: 1 item to create" in response.content.decode()


def test_htmx_gets_only_the_result(client, instructor, deck):
    client.force_login(instructor)

    response = client.post(reverse("library:import", args=[deck.slug]), upload(), HTTP_HX_REQUEST="true")

    page = response.content.decode()
    assert page.lstrip().startswith('<div id="import-result"')
    assert "<html" not in page


def test_gift_warnings_are_shown_beside_the_preview(client, instructor, deck):
    client.force_login(instructor)

    page = preview(client, deck, b"Q {T}\n\nMatch {=a -> b =c -> d}", name="quiz.gift").content.decode()

    assert "Left out" in page
    assert "line 3</strong>: a matching question" in page


def test_importing_a_new_deck_names_it_after_the_file_and_gives_it_to_the_uploader(client, other_instructor):
    client.force_login(other_instructor)
    token = preview(client, None, name="Left_opposition.csv").context["token"]

    response = confirm(client, None, token)

    deck = Deck.objects.get(slug="left-opposition")
    assert response["Location"] == reverse("library:deck_edit", args=["left-opposition"])
    assert (deck.title, deck.owner, deck.items.count()) == ("Left opposition", other_instructor, 2)


def test_script_payloads_are_stored_as_text_and_shown_escaped(client, instructor, deck):
    client.force_login(instructor)
    cell = '"' + XSS.replace('"', '""') + '"'
    content = f"{cell},{cell},tag\n".encode()

    response = preview(client, deck, content)

    page = response.content.decode()
    assert "<script>alert" not in page
    assert "<img" not in page
    confirm(client, deck, response.context["token"])
    item = Item.objects.get(deck=deck, position=1)
    assert (item.prompt, item.answer) == (XSS, XSS)
    page = client.get(reverse("library:deck_edit", args=[deck.slug])).content.decode()
    assert "<script>alert" not in page


# --- Export --------------------------------------------------------------------------------------------------


def test_the_export_page_offers_every_format(client, instructor, deck, django_assert_max_num_queries):
    client.force_login(instructor)

    # session, user, the deck (with source and owner), the user's groups (require_author)
    with django_assert_max_num_queries(5):
        response = client.get(reverse("library:export", args=[deck.slug]))

    page = response.content.decode()
    for name in ("json", "csv", "tsv", "gift", "apkg"):
        assert f"?format={name}" in page


@pytest.mark.parametrize("format", ["json", "csv", "tsv", "gift", "apkg"])
def test_each_format_downloads_as_an_attachment_never_cached(client, instructor, deck, format):
    client.force_login(instructor)

    response = client.get(reverse("library:export", args=[deck.slug]), {"format": format})

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="opposition.{format}"'
    assert "no-store" in response["Cache-Control"]
    if format != "apkg":
        assert response.content == export_file(deck, format).content


def test_an_unknown_export_format_is_a_400(client, instructor, deck):
    client.force_login(instructor)

    response = client.get(reverse("library:export", args=[deck.slug]), {"format": "xlsx"})

    assert response.status_code == 400
