"""Splitting a source text into passages (sentences) with character offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import pysbd

# A line break ends a block: article paragraphs are separated by blank lines and
# each entry of a reading list stands on its own line. Sentences never cross a block.
_BLOCK = re.compile(r"[^\n]+")


@dataclass(frozen=True)
class PassageSpan:
    index: int
    paragraph: int
    start: int
    end: int
    text: str


@cache
def _segmenter() -> pysbd.Segmenter:
    # clean=False keeps the text byte-for-byte so offsets point into the original.
    return pysbd.Segmenter(language="en", clean=False, char_span=True)


def split_passages(text: str) -> list[PassageSpan]:
    """Split text into sentences; each span's text equals text[start:end]."""
    spans: list[PassageSpan] = []
    for paragraph, block in enumerate(_BLOCK.finditer(text)):
        if not block.group().strip():
            continue
        for sentence in _segmenter().segment(block.group()):
            raw = sentence.sent
            stripped = raw.strip()
            if not stripped:
                continue
            start = block.start() + sentence.start + (len(raw) - len(raw.lstrip()))
            end = start + len(stripped)
            spans.append(PassageSpan(len(spans), paragraph, start, end, text[start:end]))
    return spans
