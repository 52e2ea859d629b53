"""The import limits at their real values: 5 MB a file, 20,000 items an import, JSON nested as a deck file is."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from studyapp.library import formats
from studyapp.library.formats.base import FormatError
from studyapp.library.models import Item

FIVE_MB = 5 * 1024 * 1024


def test_the_limits_are_five_megabytes_and_twenty_thousand_items(settings):
    assert settings.DECK_IMPORT_MAX_BYTES == FIVE_MB
    assert formats.base.MAX_ITEMS == 20_000


@pytest.mark.parametrize("format", ["csv", "tsv", "gift", "json"])
def test_a_file_one_byte_over_five_megabytes_is_refused(format):
    with pytest.raises(FormatError, match=f"The file is {FIVE_MB + 1:,} bytes; the limit is {FIVE_MB:,} bytes."):
        formats.parse(b"x" * (FIVE_MB + 1), format)


@pytest.mark.parametrize(
    ("format", "item"),
    [
        ("csv", "Q{n},A\n"),
        ("tsv", "Q{n}\tA\n"),
        ("gift", "Q{n}? {{=A}}\n\n"),
    ],
)
def test_twenty_thousand_items_are_read_and_one_more_is_refused(format, item):
    rows = "".join(item.format(n=n) for n in range(20_000))

    assert len(formats.parse(rows.encode(), format).rows) == 20_000
    with pytest.raises(FormatError, match="the limit is 20,000 items in one import"):
        formats.parse((rows + item.format(n=20_000)).encode(), format)


def test_a_json_file_of_twenty_thousand_and_one_items_is_refused():
    document = {
        "format": "studyapp-deck",
        "version": 1,
        "deck": {"slug": "big", "title": "Big", "description": ""},
        "source": None,
        "items": [{"kind": "basic", "prompt": "Q", "answer": "A"}] * 20_001,
    }

    with pytest.raises(FormatError, match="the limit is 20,000 items in one import"):
        formats.parse(json.dumps(document).encode(), "json")


@pytest.mark.parametrize("opening", [b"[", b'{"a":'])
def test_deeply_nested_json_is_a_clear_error_naming_its_line_never_a_recursion_error(opening):
    raw = b'{"items": [\n' + opening * 100_000

    with pytest.raises(FormatError, match=r"line 2: the JSON is nested more than 32 levels deep"):
        formats.parse(raw, "json")


@pytest.mark.django_db
def test_deeply_nested_json_uploaded_on_the_web_is_refused_with_the_message(client, instructor):
    client.force_login(instructor)
    upload = SimpleUploadedFile("deck.json", b"[" * 100_000, content_type="application/json")

    response = client.post(reverse("library:import_new"), {"file": upload})

    assert response.status_code == 400
    assert "nested more than 32 levels deep" in response.content.decode()
    assert not Item.objects.exists()
