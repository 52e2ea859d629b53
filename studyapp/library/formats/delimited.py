"""CSV and TSV as Anki and Quizlet write them: `front<sep>back[<sep>tags]`, one note a row.

Read: tab, comma or semicolon (Anki's `#separator:` header line, else guessed from the first row),
an optional header row (`front,back,tags`, `term,definition`…), Anki's header lines `#separator:`,
`#html:`, `#tags:`, `#columns:`, `#notetype:` and the `… column:` lines; quoted fields as the csv
module reads them (strictly: broken quoting is a problem naming its line). A front with Anki's cloze
deletions (`{{c1::words}}`) becomes one cloze item per deletion number; other rows become basic items
(reversed or typed when the note type says so). Cells are text: nothing is ever evaluated, and a
leading apostrophe put before `= + - @` by our export (or a spreadsheet) is taken off again.

Written: `front<sep>back[<sep>tags]` with no header lines (Quizlet would take them for cards; Anki
maps the third column to Tags), cells that start with `= + - @` escaped with an apostrophe.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from html.parser import HTMLParser

from studyapp.converters import parse_id
from studyapp.library.formats.base import FormatError, Parsed, Problem, Row, check_count, decode, line_where
from studyapp.library.models import CLOZE_BLANK, ItemKind

_SEPARATOR_NAMES = {"comma": ",", "semicolon": ";", "tab": "\t", "space": " ", "pipe": "|", "colon": ":"}
_HEADER_LINE = re.compile(r"#([a-z ]+):(.*)", re.IGNORECASE)
_KNOWN_HEADERS = {
    "separator",
    "html",
    "tags",
    "columns",
    "notetype",
    "deck",
    "notetype column",
    "deck column",
    "tags column",
    "guid column",
}
_FRONT_NAMES = {"front", "term", "question", "text", "word", "prompt"}
_BACK_NAMES = {"back", "definition", "answer", "back extra", "meaning"}
_TAG_NAMES = {"tags", "tag"}
ANKI_CLOZE = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.DOTALL)
# Cells a spreadsheet would read as a formula (OWASP's list; tab and CR too).
_FORMULA = re.compile(r"'*[=+\-@\t\r]")


def escape_cell(text: str) -> str:
    """The cell as written: an apostrophe before a formula (also before apostrophes that precede one)."""
    return "'" + text if _FORMULA.match(text) else text


def unescape_cell(text: str) -> str:
    return text[1:] if text.startswith("'") and _FORMULA.match(text[1:]) else text


class _HtmlToText(HTMLParser):
    """Anki's fields with `#html:true`: line breaks kept, bold and italics as Markdown, other tags dropped."""

    _BREAKS = {"br", "div", "p", "li", "tr"}
    _MARKS = {"b": "**", "strong": "**", "i": "*", "em": "*"}
    _SKIPPED = {"script", "style"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self._SKIPPED:
            self.skipping += 1
        elif tag in self._BREAKS and self.parts:
            self.parts.append("\n")
        elif tag in self._MARKS:
            self.parts.append(self._MARKS[tag])

    def handle_endtag(self, tag):
        if tag in self._SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self._MARKS:
            self.parts.append(self._MARKS[tag])

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _HtmlToText()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts).replace("\xa0", " ")
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _kind_of_notetype(name: str) -> str:
    name = name.casefold()
    if "cloze" in name:
        return ItemKind.CLOZE
    if "type" in name:
        return ItemKind.TYPED
    if "revers" in name:
        return ItemKind.REVERSED
    return ItemKind.BASIC


def _guess_separator(first_line: str) -> str:
    if "\t" in first_line:
        return "\t"
    outside_quotes = re.sub(r'"[^"]*"', "", first_line)
    return ";" if outside_quotes.count(";") > outside_quotes.count(",") else ","


class _Columns:
    def __init__(self) -> None:
        self.front, self.back, self.tags = 0, 1, 2
        self.notetype: int | None = None
        self.ignored: set[int] = set()
        self.explicit = False

    def from_names(self, names: list[str]) -> bool:
        """Map columns from a row of names; False if the names aren't a header."""
        lowered = [name.strip().casefold() for name in names]
        if len(lowered) < 2 or lowered[0] not in _FRONT_NAMES or lowered[1] not in _BACK_NAMES:
            return False
        self.front, self.back = 0, 1
        self.tags = next((i for i, name in enumerate(lowered) if name in _TAG_NAMES), -1)
        self.explicit = True
        return True

    def used(self) -> set[int]:
        return {self.front, self.back, self.tags, self.notetype} | self.ignored


def parse(raw: bytes, *, tab: bool = False) -> Parsed:
    """Rows of a CSV (or, with tab=True or Anki's header saying so, TSV) file."""
    text = decode(raw)
    parsed = Parsed(format="tsv" if tab else "csv")
    lines = text.split("\n")
    lines = [line + "\n" for line in lines[:-1]] + lines[-1:]
    headers: dict[str, str] = {}
    header_count = 0
    for line in lines:
        match = _HEADER_LINE.fullmatch(line.rstrip("\r\n"))
        if not match:
            break
        key, value = match.group(1).strip().casefold(), match.group(2).strip()
        if key not in _KNOWN_HEADERS:
            break  # a row whose front happens to start with "#word:"
        header_count += 1
        headers[key] = value
    body = "".join(lines[header_count:])

    separator = "\t" if tab else None
    if "separator" in headers:
        value = headers["separator"]
        separator = _SEPARATOR_NAMES.get(value.casefold(), value if len(value) == 1 else None)
        if separator is None:
            raise FormatError([Problem(line_where(1), f"“#separator:{value}” names no separator Anki knows.")])
    if separator is None:
        separator = _guess_separator(next((line for line in body.splitlines() if line.strip()), ""))
    parsed.format = "tsv" if separator == "\t" else "csv"
    is_html = headers.get("html", "false").casefold() == "true"
    global_tags = headers.get("tags", "").split()
    columns = _Columns()
    if "columns" in headers and not columns.from_names(headers["columns"].split(separator)):
        names = [name.strip().casefold() for name in headers["columns"].split(separator)]
        columns.tags = names.index("tags") if "tags" in names else -1
        columns.explicit = True
    for key, attribute in (("tags column", "tags"), ("notetype column", "notetype")):
        if key in headers:
            try:
                setattr(columns, attribute, int(headers[key]) - 1)
            except ValueError:
                raise FormatError(
                    [Problem(line_where(1), f"“#{key}:{headers[key]}” is not a column number.")]
                ) from None
            columns.explicit = True
    for key in ("deck column", "guid column"):
        if (column := parse_id(headers.get(key, ""))) is not None:  # not isdigit(): "²" is a digit to it
            columns.ignored.add(column - 1)
    default_kind = _kind_of_notetype(headers.get("notetype", "basic"))

    reader = csv.reader(io.StringIO(body, newline=""), delimiter=separator, strict=True)
    consumed = 0
    first = True
    warned_extra = False
    try:
        for record in reader:
            line = header_count + consumed + 1
            consumed = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if first:
                first = False
                if not columns.explicit and columns.from_names(record):
                    continue
            check_count(len(parsed.rows) + 1)
            cells = [unescape_cell(cell) for cell in record]
            if is_html:
                cells = [html_to_text(cell) for cell in cells]
            extra = [i for i in range(len(cells)) if i not in columns.used() and cells[i].strip()]
            if extra and not warned_extra:
                warned_extra = True
                parsed.warnings.append(
                    Problem(line_where(line), f"column {extra[0] + 1} and any after the known ones are not read.")
                )
            kind = default_kind
            if columns.notetype is not None and 0 <= columns.notetype < len(cells):
                kind = _kind_of_notetype(cells[columns.notetype])
            tags = list(global_tags)
            if 0 <= columns.tags < len(cells):
                tags += cells[columns.tags].split()
            front = _cell(cells, columns.front)
            back = _cell(cells, columns.back)
            parsed.rows.extend(_rows_of_note(line, front, back, tags, kind, parsed.problems))
    except csv.Error as error:
        line = header_count + reader.line_num
        parsed.problems.append(Problem(line_where(line), f"the quoting is broken ({error}); nothing after it is read."))
    if not parsed.rows and not parsed.problems:
        raise FormatError("The file has no rows to import.")
    return parsed


def _cell(cells: list[str], index: int) -> str:
    return cells[index] if 0 <= index < len(cells) else ""


def _rows_of_note(line: int, front: str, back: str, tags: list[str], kind: str, problems: list[Problem]) -> list[Row]:
    where = line_where(line)
    labels = {"prompt": "front", "answer": "back"}
    deletions = sorted({int(match.group(1)) for match in ANKI_CLOZE.finditer(front)})
    if not deletions:
        if kind == ItemKind.CLOZE:
            problems.append(Problem(where, "front: a cloze note needs a deletion like {{c1::words}}."))
            return []
        if not front.strip() and not back.strip():
            return []
        return [Row(where, _item(kind, front, back, "", tags), labels)]
    rows = []
    for number in deletions:
        row_where = where if len(deletions) == 1 else f"{where} (c{number})"
        hidden = [match for match in ANKI_CLOZE.finditer(front) if int(match.group(1)) == number]
        if len(hidden) > 1:
            problems.append(Problem(row_where, f"front: c{number} hides {len(hidden)} places; a cloze item has one."))
            continue

        def blank(match: re.Match, number: int = number) -> str:
            return "{{" + match.group(2) + "}}" if int(match.group(1)) == number else match.group(2)

        prompt = ANKI_CLOZE.sub(blank, front)
        answer = hidden[0].group(2).strip()
        # Our export puts the hidden words on the back; Anki's cloze notes put "Back Extra" there.
        explanation = "" if back.strip() == answer else back
        rows.append(Row(row_where, _item(ItemKind.CLOZE, prompt, answer, explanation, tags), labels))
    return rows


def _item(kind: str, prompt: str, answer: str, explanation: str, tags: list[str]) -> dict:
    return {
        "kind": kind,
        "prompt": prompt,
        "answer": answer,
        "accepted_answers": [],
        "explanation": explanation,
        "tags": tags,
        "passage": None,
    }


# --- Export ----------------------------------------------------------------------------------------------


def front_and_back(item: dict) -> tuple[str, str]:
    """An exported item's two sides; a cloze prompt's blank is written as Anki's {{c1::…}}."""
    if item["kind"] == ItemKind.CLOZE:
        return CLOZE_BLANK.sub(lambda match: "{{c1::" + match.group(1) + "}}", item["prompt"]), item["answer"]
    return item["prompt"], item["answer"]


def anki_tag(name: str) -> str:
    # Anki separates tags with spaces, so a tag can't hold one.
    return "_".join(name.split())


def write(items: Iterable[dict], *, tab: bool = False) -> str:
    """Items (`studyapp-deck` dicts) as CSV or TSV text."""
    items = list(items)
    with_tags = any(item["tags"] for item in items)
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t" if tab else ",", lineterminator="\n")
    # The csv module quotes a cell holding the line terminator ("\n") but not a lone "\r", which readers
    # take for a line break: rows with one are written fully quoted.
    quoting_all = csv.writer(out, delimiter="\t" if tab else ",", lineterminator="\n", quoting=csv.QUOTE_ALL)
    for item in items:
        front, back = front_and_back(item)
        row = [front, back] + ([" ".join(anki_tag(tag) for tag in item["tags"])] if with_tags else [])
        cells = [escape_cell(cell) for cell in row]
        (quoting_all if any("\r" in cell for cell in cells) else writer).writerow(cells)
    return out.getvalue()
