from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from studyapp.review.selectors import COUNT_CAP

register = template.Library()

_MARKS = {"equal": "same", "delete": "extra", "insert": "missing"}


@register.simple_tag
def diff_marks(diff: list[tuple[str, str]]) -> SafeString:
    """The grader's diff as <span>s: extra letters struck through, missing letters underlined."""
    return format_html_join(
        "",
        '<span class="diff-{}"{}>{}</span>',
        (
            (_MARKS.get(tag, "same"), format_html(' title="{}"', _MARKS.get(tag, "")) if tag != "equal" else "", text)
            for tag, text in diff
        ),
    )


@register.filter
def capped(count: int) -> str:
    """A queue count as shown: "999+" once it reaches the counting cap."""
    return f"{COUNT_CAP}+" if count >= COUNT_CAP else str(count)
