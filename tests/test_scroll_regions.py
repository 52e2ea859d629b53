"""Scrolling boxes must be reachable by keyboard (axe's scrollable-region-focusable): a box that scrolls
sideways on a phone is a focusable, named region in every template, not only in those a browser test opens."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TEMPLATES = sorted((Path(__file__).resolve().parents[1] / "studyapp").rglob("*.html"))
SCROLL_BOX = re.compile(r'<div class="(?:table|chart)-scroll"[^>]*>')


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: str(path.relative_to(path.parents[3])))
def test_every_scrolling_box_is_a_focusable_named_region(template):
    for tag in SCROLL_BOX.findall(template.read_text()):
        assert 'tabindex="0"' in tag, tag
        assert 'role="region"' in tag, tag
        assert "aria-label" in tag, tag
