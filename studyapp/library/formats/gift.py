"""Moodle's GIFT format: a small parser and writer of our own.

No parser on PyPI is both maintained and sound (pygiftparser was last released in 2017;
gift-to-moodlexml reads an extended dialect and writes Moodle XML), so this module reads the
documented format (docs.moodle.org, "GIFT format") itself:

- questions are separated by blank lines; lines starting with `//` are comments;
- `::title::` (read, not kept: items have no title), `[markdown]`/`[plain]`/`[moodle]`/`[html]` text formats;
- `{=right ~wrong}` multiple choice, with partial-credit weights `~%50%half right` (weight > 0 is correct);
- `{T}`/`{TRUE}`/`{F}`/`{FALSE}` true/false; `{=answer =other}` short answer (typed, or cloze when text
  follows the braces: the missing-word form); `{#1923:2}`, `{#1920..1926}` numerical (value:tolerance, ranges);
- matching (`{=a -> b}`) and essays (`{}`) and descriptions (no braces) are skipped with a warning each;
- `\\~ \\= \\# \\{ \\} \\: \\\\` escapes and `\\n` for a line break;
- `$CATEGORY: $course$/top/a/b` gives the following questions the tags a and b;
- per-answer feedback (`#…`) and general feedback (`####…`) become the explanation (general feedback first).

Writing is the reverse: each item a question with `[markdown]` text, its tags as the category path, its
explanation as general feedback. Chronology items have no GIFT form: they are written as a comment.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from studyapp.library.formats.base import Parsed, Problem, Row, check_count, decode, line_where
from studyapp.library.formats.delimited import html_to_text
from studyapp.library.models import CLOZE_BLANK, ItemKind, parse_number

_SPECIAL = "~=#{}:"
_WEIGHT = re.compile(r"%(-?\d+(?:\.\d+)?)%")
_FORMAT = re.compile(r"\[(html|moodle|plain|markdown)\]", re.IGNORECASE)
_TRUE_FALSE = {"t": "True", "true": "True", "f": "False", "false": "False"}
_PLACEHOLDER = re.compile(r"\$\w+\$")
_MISSING_WORD = "_____"


def unescape(text: str) -> str:
    out = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            following = text[i + 1]
            out.append("\n" if following == "n" else following)
            i += 2
            continue
        out.append(char)
        i += 1
    return "".join(out)


def escape(text: str) -> str:
    text = text.replace("\\", "\\\\")
    for char in _SPECIAL:
        text = text.replace(char, "\\" + char)
    return text.replace("\r\n", "\n").replace("\n", "\\n")


def _unescaped(text: str, chars: str) -> list[int]:
    """Positions of the characters of `chars` in text that no backslash escapes."""
    positions = []
    i = 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] in chars:
            positions.append(i)
        i += 1
    return positions


def _find(text: str, needle: str, start: int = 0) -> int:
    """The first unescaped occurrence of needle at or after start, or -1."""
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text.startswith(needle, i):
            return i
        i += 1
    return -1


def _blocks(text: str) -> list[tuple[int, str]]:
    """(first line number, text) of each question, comment lines dropped, blank lines separating."""
    blocks: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0
    # Split at line feeds only: str.splitlines() would also break at characters a text may hold (\x1c, \u2028…).
    for number, line in enumerate((line.removesuffix("\r") for line in text.split("\n")), start=1):
        if line.lstrip().startswith("//"):
            continue
        if not line.strip():
            if current:
                blocks.append((start, "\n".join(current)))
                current = []
            continue
        if not current:
            start = number
        current.append(line)
    if current:
        blocks.append((start, "\n".join(current)))
    return blocks


def _category_tags(path: str) -> list[str]:
    # "//" is a slash inside a category's name; "$course$/top/" is where Moodle keeps a course's questions.
    parts = [part.replace("\x00", "/").strip() for part in path.replace("//", "\x00").split("/")]
    parts = [part for part in parts if part]
    while parts and (_PLACEHOLDER.fullmatch(parts[0]) or parts[0].casefold() == "top"):
        parts.pop(0)
    return parts


def parse(raw: bytes) -> Parsed:
    text = decode(raw)
    parsed = Parsed(format="gift")
    tags: list[str] = []
    for start, block in _blocks(text):
        if block.lstrip().startswith("$CATEGORY:"):
            first, _, rest = block.lstrip().partition("\n")
            tags = _category_tags(first.removeprefix("$CATEGORY:"))
            if not rest.strip():
                continue
            start, block = start + 1, rest
        check_count(len(parsed.rows) + 1)
        _parse_question(start, block, tags, parsed)
    if not parsed.rows and not parsed.problems:
        if parsed.warnings:
            parsed.problems.append(Problem("", "The file has no question that can be imported."))
        else:
            parsed.problems.append(Problem("", "The file has no questions."))
    return parsed


def _line_of(block: str, position: int, start: int) -> int:
    return start + block.count("\n", 0, position)


def _parse_question(start: int, block: str, tags: list[str], parsed: Parsed) -> None:
    where = line_where(start)
    body = block.strip()
    if body.startswith("::"):
        end = _find(body, "::", 2)
        if end == -1:
            parsed.problems.append(Problem(where, "the title opened with :: is never closed with ::."))
            return
        # Cut parts are replaced by their line breaks, so that positions in body keep their line numbers.
        body = "\n" * body.count("\n", 0, end) + body[end + 2 :]
    is_html = False
    format_match = _FORMAT.match(body.lstrip())
    if format_match:
        is_html = format_match.group(1).lower() == "html"
        stripped = body.lstrip()
        body = "\n" * body[: len(body) - len(stripped)].count("\n") + stripped[format_match.end() :]

    opens = _unescaped(body, "{")
    closes = _unescaped(body, "}")
    if not opens and not closes:
        parsed.warnings.append(Problem(where, "a description (no answers in braces) is not a question: skipped."))
        return
    # GIFT has no nesting: braces must alternate { } and there must be one pair.
    marks = sorted([(position, "{") for position in opens] + [(position, "}") for position in closes])
    expected = "{"
    for position, mark in marks:
        line = line_where(_line_of(body, position, start))
        if mark != expected:
            message = (
                "a } closes answers that no { opened"
                if mark == "}"
                else "the answers opened with { before this one are never closed with }"
            )
            parsed.problems.append(Problem(line, f"{message} (write \\{mark} for a brace in the text)."))
            return
        expected = "}" if mark == "{" else "{"
    if expected == "}":
        line = line_where(_line_of(body, opens[-1], start))
        parsed.problems.append(Problem(line, "the answers opened with { are never closed with }."))
        return
    if len(opens) > 1:
        line = line_where(_line_of(body, opens[1], start))
        parsed.problems.append(
            Problem(line, "a question has one set of answers in braces (write \\{ and \\} for braces in the text).")
        )
        return
    open_at, close_at = opens[0], closes[0]
    before, answers, after = body[:open_at], body[open_at + 1 : close_at], body[close_at + 1 :]
    convert = html_to_text if is_html else str.strip

    def text_of(raw: str) -> str:
        return convert(unescape(raw)).strip()

    general_at = _find(answers, "####")
    general = ""
    if general_at != -1:
        general = text_of(answers[general_at + 4 :])
        answers = answers[:general_at]
    answers = answers.strip()
    lead, trail = text_of(before), text_of(after)
    item = {
        "kind": "",
        "prompt": lead,
        "answer": "",
        "accepted_answers": [],
        "explanation": general,
        "tags": list(tags),
        "passage": None,
    }

    if not answers:
        parsed.warnings.append(Problem(where, "an essay question (empty braces) has no answer to check: skipped."))
        return
    if answers.startswith("#"):
        problem = _numerical(answers[1:], item, text_of)
        if problem:
            parsed.problems.append(Problem(where, problem))
            return
    elif answers.split("#", 1)[0].strip().casefold() in _TRUE_FALSE:
        value, *feedback = [unescape(part) for part in _split(answers, "#")]
        item["kind"] = ItemKind.TRUE_FALSE
        item["answer"] = _TRUE_FALSE[value.strip().casefold()]
        # Moodle shows the first feedback after a wrong answer and the second after a right one.
        if not item["explanation"] and feedback:
            item["explanation"] = text_of(feedback[-1]) or text_of(feedback[0])
    else:
        choices = _answers(answers)
        if choices is None:
            parsed.problems.append(Problem(where, "the answers must each start with = (right) or ~ (wrong)."))
            return
        if any(_find(text, "->") != -1 for _, _, text, _ in choices):
            parsed.warnings.append(Problem(where, "a matching question has no item kind here: skipped."))
            return
        if all(mark == "=" for mark, _, _, _ in choices):
            _short_answer(choices, item, text_of, where, parsed)
            if trail:
                blank = item["answer"]
                item["kind"] = ItemKind.CLOZE
                # The blank keeps the spacing the file gives it: "of {=Stalinism}." is "of {{Stalinism}}.".
                space_before = " " if before[-1:].isspace() else ""
                space_after = " " if after[:1].isspace() else ""
                item["prompt"] = f"{lead}{space_before}{{{{{blank}}}}}{space_after}{trail}".strip()
        else:
            item["kind"] = ItemKind.MULTIPLE_CHOICE
            item["choices"] = [
                {"text": text_of(text), "correct": (weight if weight is not None else 100 if mark == "=" else 0) > 0}
                for mark, weight, text, _ in choices
            ]
            if not item["explanation"]:
                item["explanation"] = "\n\n".join(
                    dict.fromkeys(
                        text_of(feedback)
                        for (mark, weight, _, feedback), choice in zip(choices, item["choices"], strict=True)
                        if choice["correct"] and feedback.strip()
                    )
                )
    if trail and item["kind"] != ItemKind.CLOZE:
        item["prompt"] = f"{lead} {_MISSING_WORD} {trail}".strip()
    if item["kind"] == ItemKind.MULTIPLE_CHOICE:
        item["answer"] = ""
    parsed.rows.append(Row(where, item, {"prompt": "question text"}))


def _split(text: str, char: str) -> list[str]:
    parts, last = [], 0
    for position in _unescaped(text, char):
        parts.append(text[last:position])
        last = position + 1
    parts.append(text[last:])
    return parts


def _answers(text: str) -> list[tuple[str, float | None, str, str]] | None:
    """(mark, weight, raw text, raw feedback) of each answer; None if text doesn't start with = or ~."""
    marks = _unescaped(text, "=~")
    if not marks or text[: marks[0]].strip():
        return None
    answers = []
    for index, position in enumerate(marks):
        end = marks[index + 1] if index + 1 < len(marks) else len(text)
        part = text[position + 1 : end]
        weight = None
        match = _WEIGHT.match(part.lstrip())
        if match:
            weight = float(match.group(1))
            part = part.lstrip()[match.end() :]
        answer_text, _, feedback = _cut(part)
        answers.append((text[position], weight, answer_text, feedback))
    return answers


def _cut(part: str) -> tuple[str, str, str]:
    hashes = _unescaped(part, "#")
    if not hashes:
        return part, "", ""
    return part[: hashes[0]], "#", part[hashes[0] + 1 :]


def _short_answer(choices, item: dict, text_of, where: str, parsed: Parsed) -> None:
    full = [(text, feedback) for _, weight, text, feedback in choices if weight is None or weight >= 100]
    partial = len(choices) - len(full)
    if partial:
        parsed.warnings.append(
            Problem(where, f"{partial} answer(s) with partial credit are left out: an answer counts or it doesn't.")
        )
    texts = [text_of(text) for text, _ in full]
    item["kind"] = ItemKind.TYPED
    item["answer"] = texts[0] if texts else ""
    item["accepted_answers"] = [text for text in dict.fromkeys(texts[1:]) if text != item["answer"]]
    if not item["explanation"] and full and full[0][1].strip():
        item["explanation"] = text_of(full[0][1])


def _numerical(text: str, item: dict, text_of) -> str | None:
    """Fill in a number item from a numerical question's answers; a problem's text if they can't be read."""
    item["kind"] = ItemKind.NUMBER
    choices = _answers(text) if _unescaped(text, "=~") else [("=", None, *_cut(text)[::2])]
    if choices is None:
        return "a numerical answer is written #value, #value:tolerance or #min..max."
    full = [(raw, feedback) for _, weight, raw, feedback in choices if weight is None or weight >= 100]
    if not full:
        return "a numerical question needs an answer with full credit."
    raw, feedback = full[0]
    value = unescape(raw).strip()
    if ".." in value:
        low, high = (parse_number(part) for part in value.split("..", 1))
        if low is None or high is None:
            return f"“{value}” is not a range of numbers we can compare (min..max, at most 15 digits)."
        if high < low:
            return f"the range {value} ends below its start."
        answer, tolerance = (low + high) / 2, (high - low) / 2
    else:
        number, _, margin = value.partition(":")
        answer, tolerance = parse_number(number), parse_number(margin) if margin.strip() else Decimal(0)
        if answer is None or tolerance is None:
            return f"“{value}” is not a number (or value:tolerance) we can compare (at most 15 digits)."
    item["answer"] = _decimal_text(answer)
    item["tolerance"] = tolerance.normalize() if tolerance else Decimal(0)
    if not item["explanation"] and feedback.strip():
        item["explanation"] = text_of(feedback)
    return None


def _decimal_text(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


# --- Export ----------------------------------------------------------------------------------------------


def _category_path(tags: list[str]) -> str:
    # A category is one line: a tag's line breaks become spaces.
    return "/".join(["$course$", "top", *(" ".join(tag.split()).replace("/", "//") for tag in tags)])


def write(items: Iterable[dict]) -> str:
    """Items (`studyapp-deck` dicts) as GIFT text."""
    out: list[str] = []
    category = None
    for number, item in enumerate(items, start=1):
        path = _category_path(item["tags"])
        if path != category:
            out.append(f"$CATEGORY: {path}\n")
            category = path
        question = _question(item)
        out.append(question if question else f"// Item {number} (chronology) has no GIFT form: not written.\n")
    return "\n".join(out)


def _question(item: dict) -> str | None:
    kind = item["kind"]
    prompt = item["prompt"]
    general = f"####{escape(item['explanation'])}" if item["explanation"] else ""
    if kind == ItemKind.CHRONOLOGY:
        return None
    if kind == ItemKind.CLOZE:
        match = CLOZE_BLANK.search(prompt)
        answers = " ".join(f"={escape(answer)}" for answer in [item["answer"], *item["accepted_answers"]])
        before, after = prompt[: match.start()], prompt[match.end() :]
        return f"[markdown]{escape(before)}{{{answers}{general}}}{escape(after)}\n"
    if kind == ItemKind.MULTIPLE_CHOICE:
        correct = [choice for choice in item["choices"] if choice["correct"]]
        if len(correct) == 1:
            answers = " ".join(f"{'=' if c['correct'] else '~'}{escape(c['text'])}" for c in item["choices"])
        else:
            share = _decimal_text(round(Decimal(100) / len(correct), 5))
            answers = " ".join(f"~%{share if c['correct'] else '-100'}%{escape(c['text'])}" for c in item["choices"])
        return f"[markdown]{escape(prompt)} {{{answers}{general}}}\n"
    if kind == ItemKind.TRUE_FALSE:
        return f"[markdown]{escape(prompt)} {{{'TRUE' if item['answer'] == 'True' else 'FALSE'}{general}}}\n"
    if kind == ItemKind.NUMBER:
        tolerance = Decimal(str(item.get("tolerance", 0)))
        value = escape(item["answer"]) + (f":{_decimal_text(tolerance)}" if tolerance else "")
        return f"[markdown]{escape(prompt)} {{#{value}{general}}}\n"
    answers = " ".join(f"={escape(answer)}" for answer in [item["answer"], *item["accepted_answers"]])
    return f"[markdown]{escape(prompt)} {{{answers}{general}}}\n"
