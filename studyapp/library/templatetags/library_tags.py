"""Rendering authored text: Markdown through the nh3 sanitiser, never `|safe` on user input."""

from __future__ import annotations

import html
import itertools
import re
import threading

import markdown as markdown_lib
import nh3
from django import template
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe

from studyapp.library.models import CLOZE_BLANK

register = template.Library()

_ALLOWED_TAGS = {"p", "br", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "a", "sup", "sub", "mark"}


# One Markdown converter per thread, reset between texts: building one (its parser and patterns) cost
# more than converting a card's few lines, on every card. Converters are not thread-safe, hence per thread.
_converters = threading.local()


def _converter() -> markdown_lib.Markdown:
    converter = getattr(_converters, "markdown", None)
    if converter is None:
        converter = _converters.markdown = markdown_lib.Markdown(extensions=["sane_lists"], output_format="html")
    return converter


def render_markdown(text: str) -> SafeString:
    html = _converter().reset().convert(text or "")
    # nh3 drops scripts, event handlers and unknown tags and adds rel="noopener noreferrer" to links.
    # An ordered list keeps its first number: "1923. The Forty-Six..." is a list starting at 1923 in Markdown.
    return mark_safe(nh3.clean(html, tags=_ALLOWED_TAGS, attributes=_ALLOWED_ATTRIBUTES))  # noqa: S308


_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
_ORDERED_LIST = re.compile(r'<ol(?: start="(\d+)")?>(.*?)</ol>', re.DOTALL)


def _numbered(html_text: str) -> str:
    """Each ordered list's items with their numbers written out, so stripping the tags keeps them."""

    def number(match: re.Match) -> str:
        numbers = itertools.count(int(match.group(1) or 1))
        return re.sub(r"<li>", lambda _item: f"<li>{next(numbers)}. ", match.group(2))

    return _ORDERED_LIST.sub(number, html_text)


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    return render_markdown(text)


@register.filter
def cloze_hidden(text: str) -> str:
    """The cloze prompt with its blank hidden, as a learner first sees it."""
    return CLOZE_BLANK.sub("[…]", text or "")


@register.filter
def cloze_shown(text: str) -> str:
    """The cloze prompt with the blank's words marked (Markdown emphasis)."""
    return CLOZE_BLANK.sub(lambda match: f"**{match.group(1)}**", text or "")


@register.filter
def plain(text: str, cloze: str = "hidden") -> str:
    """Authored text as one line of plain text, for lists: Markdown rendered (and sanitised), then its tags
    stripped and its whitespace collapsed, so `*stress*` reads "stress".

    A cloze blank shows hidden, "[…]", as the learner first meets it; `plain:"shown"` puts its words in
    brackets, "[Leon Trotsky]", for those who may see the answer. The result is a plain string: the template
    escapes it like any other.
    """
    words = " ".join(html.unescape(strip_tags(_numbered(render_markdown(text)))).split())
    # After rendering, so Markdown inside a blank ({{*Trotsky*}}) is stripped like the rest.
    if cloze == "shown":
        return CLOZE_BLANK.sub(lambda match: f"[{match.group(1)}]", words)
    return CLOZE_BLANK.sub("[…]", words)
