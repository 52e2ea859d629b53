"""Anki packages (.apkg) through genanki: export only.

Four note types, each with the item's source sentence in a field of its own: basic, basic and reversed,
cloze and typed answer. Kinds Anki has no type for are written as basic notes whose front lists what
the learner picks from (choices, events to order). Fields are HTML in Anki, so Markdown goes through the
app's sanitised renderer. Ids are fixed (note types) or derived from the deck and item (decks, notes),
so importing a new export into Anki updates the notes of the last one instead of duplicating them.
"""

from __future__ import annotations

import html
import io
import zlib
from typing import Any

import genanki

from studyapp.library.formats.delimited import anki_tag
from studyapp.library.models import CLOZE_BLANK, ItemKind
from studyapp.library.templatetags.library_tags import render_markdown

_CSS = ".card { font-family: sans-serif; font-size: 20px; text-align: left; color: #111; background: #fff; }\n"
_SOURCE = '{{#Source}}<hr><p class="source"><small>Source: {{Source}}</small></p>{{/Source}}'
_EXPLANATION = "{{#Explanation}}<div>{{Explanation}}</div>{{/Explanation}}"
_FIELDS = [{"name": "Front"}, {"name": "Back"}, {"name": "Explanation"}, {"name": "Source"}]
_BACK = '{{FrontSide}}<hr id="answer">{{Back}}' + _EXPLANATION + _SOURCE

BASIC = genanki.Model(
    1_607_392_311,
    "studyapp Basic",
    fields=_FIELDS,
    templates=[{"name": "Card 1", "qfmt": "{{Front}}", "afmt": _BACK}],
    css=_CSS,
)
REVERSED = genanki.Model(
    1_607_392_312,
    "studyapp Basic (and reversed card)",
    fields=_FIELDS,
    templates=[
        {"name": "Card 1", "qfmt": "{{Front}}", "afmt": _BACK},
        {
            "name": "Card 2",
            "qfmt": "{{Back}}",
            "afmt": '{{FrontSide}}<hr id="answer">{{Front}}' + _EXPLANATION + _SOURCE,
        },
    ],
    css=_CSS,
)
TYPED = genanki.Model(
    1_607_392_313,
    "studyapp Basic (type in the answer)",
    fields=_FIELDS,
    templates=[
        {
            "name": "Card 1",
            "qfmt": "{{Front}}<br>{{type:Back}}",
            "afmt": "{{Front}}<hr id=answer>{{type:Back}}" + _EXPLANATION + _SOURCE,
        }
    ],
    css=_CSS,
)
CLOZE = genanki.Model(
    1_607_392_314,
    "studyapp Cloze",
    fields=[{"name": "Text"}, {"name": "Back Extra"}, {"name": "Source"}],
    templates=[
        {
            "name": "Cloze",
            "qfmt": "{{cloze:Text}}",
            "afmt": "{{cloze:Text}}<br>{{Back Extra}}" + _SOURCE,
        }
    ],
    css=_CSS,
    model_type=genanki.Model.CLOZE,
)


def _id(text: str) -> int:
    # A deck id Anki accepts (a positive 31-bit number), the same for every export of the deck.
    return (zlib.crc32(text.encode()) & 0x7FFF_FFFF) or 1


def _html(markdown_text: str) -> str:
    return str(render_markdown(markdown_text))


def _source(item: dict[str, Any]) -> str:
    passage = item.get("passage")
    return html.escape(passage["text"]) if passage else ""


def _front(item: dict[str, Any]) -> str:
    front = _html(item["prompt"])
    if item["kind"] == ItemKind.MULTIPLE_CHOICE:
        front += "<ul>" + "".join(f"<li>{html.escape(c['text'])}</li>" for c in item["choices"]) + "</ul>"
    elif item["kind"] == ItemKind.CHRONOLOGY:
        # Listed by text so the order asked for isn't given away.
        events = sorted(item["events"], key=lambda event: event["text"].casefold())
        front += "<ul>" + "".join(f"<li>{html.escape(e['text'])}</li>" for e in events) + "</ul>"
    elif item["kind"] == ItemKind.TRUE_FALSE:
        front += "<p>True or false?</p>"
    return front


def _note(item: dict[str, Any], guid: str) -> genanki.Note:
    tags = [anki_tag(tag) for tag in item["tags"]]
    kind = item["kind"]
    if kind == ItemKind.CLOZE:
        text = CLOZE_BLANK.sub(lambda match: "{{c1::" + match.group(1) + "}}", item["prompt"])
        fields = [_html(text), _html(item["explanation"]), _source(item)]
        return genanki.Note(model=CLOZE, fields=fields, tags=tags, guid=guid)
    model = {ItemKind.REVERSED: REVERSED, ItemKind.TYPED: TYPED, ItemKind.NUMBER: TYPED}.get(kind, BASIC)
    back = html.escape(item["answer"]) if model is TYPED else _html(item["answer"])
    fields = [_front(item), back, _html(item["explanation"]), _source(item)]
    return genanki.Note(model=model, fields=fields, tags=tags, guid=guid)


def write(document: dict[str, Any]) -> bytes:
    """A `studyapp-deck` document as the bytes of an .apkg file."""
    info = document["deck"]
    deck = genanki.Deck(_id(info["slug"]), info["title"], description=info.get("description", ""))
    for number, item in enumerate(document["items"], start=1):
        # The guid names the note across exports: the deck's slug, the item's place and its prompt.
        deck.add_note(_note(item, genanki.guid_for(info["slug"], number, item["prompt"])))
    out = io.BytesIO()
    genanki.Package(deck).write_to_file(out)
    return out.getvalue()
