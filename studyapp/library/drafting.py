"""Drafting candidate items from a source text, sentence by sentence. Pure: no database, no network.

Every rule reads one passage (a sentence of the source, as `text.split_passages` makes them) and proposes
items an instructor accepts, edits or rejects; none is saved here. The rules, in the order a passage's
candidates are listed:

- dates and years: a cloze on a full date ("15 October 1923", "April 1923", "15 October"), a year range
  ("1918-21") or a bare year; and a number item "In what year?" on each year, with tolerance 0.
- numbers: a cloze on a count, an ordinal ("12th") or a percentage ("55 percent"); and a number item on
  its value. Tolerance 0, or a tenth of the value when the text says it is approximate ("some 10,000").
- names: runs of capitalised words that don't start a sentence, joined by particles ("de", "von", "of the");
  a word that starts a sentence counts only when the source also writes it capitalised mid-sentence, or
  starts a run of two or more capitalised words. Organisations are recognised by a keyword (Party, Congress,
  Committee, International…), places by a small gazetteer of the places such history texts name (PLACES),
  people as runs of two to four words and the surnames those runs give; other names are just "name".
  Lone adjectives of nationality or doctrine ("Russian", "Stalinist") are left out.
  We measured spaCy for this: 3.8 installs from PyPI and loads in 0.8 s, but its trained English pipeline
  (en_core_web_sm, needed for named entities) is not published there, only as unofficial re-uploads, so a
  clean clone's `make test` could not pin it. The heuristic runs in milliseconds and needs nothing.
- quotes: a quoted phrase of one to eight words (“incarnated an epoch”).
- key terms: the noun phrase that ends a sentence or clause, where English puts new information (end focus):
  the words before a full stop, comma, dash or closing quote back to the first function word
  ("…threatened with economic ruin." → "economic ruin"). One to four words (two at least before a comma
  or dash), never a lone short word.
- chronology: sentences that carry a year (with a month and day when given) become events, with the date
  taken out of their text; runs of three to six such sentences close together in the source, with distinct
  dates, become "Put these events in order." candidates, sort keys YYYYMMDD as `models.Event` reads them.

The same passages always give the same candidates in the same order, each with a stable `key`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from studyapp.library.models import MAX_EVENTS, MIN_EVENTS, EventData, ItemKind, parse_number


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


class PassageLike(Protocol):
    index: int
    text: str


@dataclass(frozen=True)
class Candidate:
    """A proposed item. `passage` is the index of the passage it came from (the first one, for a chronology)."""

    passage: int
    kind: str
    prompt: str
    answer: str
    reason: str
    tolerance: Decimal = Decimal(0)
    events: tuple[EventData, ...] = ()
    # Every passage the candidate draws on: one, or a chronology's several.
    passages: tuple[int, ...] = field(default=())

    @property
    def key(self) -> str:
        """Stable identifier (the same candidate is drafted again on every request), safe in a URL or form."""
        events = "|".join(f"{e.sort_key}:{e.when}:{e.text}" for e in self.events)
        raw = "\x1f".join([str(self.passage), self.kind, self.prompt, self.answer, str(self.tolerance), events])
        return hashlib.sha256(raw.encode()).hexdigest()[:16]

    @property
    def blank(self) -> str | None:
        """The hidden words of a cloze candidate."""
        match = re.search(r"\{\{(.+?)\}\}", self.prompt, re.DOTALL)
        return match.group(1) if self.kind == ItemKind.CLOZE and match else None


# --- Vocabulary ---------------------------------------------------------------------------------------------

_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September")
MONTHS = {name: number for number, name in enumerate((*_MONTH_NAMES, "October", "November", "December"), start=1)}
_MONTH = "|".join(MONTHS)

# Capitalised only because they start a sentence (or are months, days or honorifics): never a name on their own.
STOP_CAPS = _words(
    """
    A An The In On At By For From To Of And But Or Nor Yet So As After Before When While If Despite Although
    Though Because Since Until Unless Once It Its They Them Their There These Those This That He She His Her
    Hers We Our You Your I My Me Some Most Many Much Others Other All Each Every Both Either Neither One Two
    Three Four Five Six Seven Eight Nine Ten First Second Third Last Next Soon Then Now Here Not No Yes Read
    More What Who Whom Which Why How Where Such Even Also Only Just Still Thus Hence However Meanwhile Later
    Earlier Today Yesterday Tomorrow Please Thank Thanks Subscribe Leave Mr Mrs Ms Dr Sir St Monday Tuesday
    Wednesday Thursday Friday Saturday Sunday Let Do Does Did Is Are Was Were Be Been Have Has Had Can Could
    Will Would Should May Might Must Shall Between Among Against During Without Within Into Upon Under Over
    Above Below Across Through Towards Toward Around About Instead Indeed Perhaps Often Never Always Again
    Finally Altogether Whatever
    """
) | frozenset(MONTHS)

# Joins two capitalised words into one name: "Charles de Gaulle", "Programme of the Workers' Opposition".
PARTICLES = _words(
    """
    de del della di da du des la le van von der den ten ter bin al of the
    """
)

ORGANISATION_WORDS = _words(
    """
    Party Parties Congress Committee International Internationale Opposition Union Council Councils Soviet
    Army Bureau Politburo Komsomol Bolsheviks Mensheviks Commissariat Cheka League Federation Association
    Society Group Movement Front Government Ministry Assembly Duma Parliament Company Corporation Bank
    University College School Institute Academy Church Court Police Guard Guards Trust Policy
    """
)

# A small gazetteer: countries, cities and regions that histories of the Russian revolution and its aftermath
# name. Names it misses are still proposed, as "name"; only the reason shown differs.
PLACES = _words(
    """
    Russia USSR China Moscow Petrograd Leningrad Kronstadt Ukraine Georgia Siberia Vorkuta Kazakhstan
    Alma-Ata Germany Berlin Britain England London France Paris Europe Asia America US USA Spain Poland
    Warsaw Finland Mexico Turkey Japan India Shanghai Canton Kiev Kyiv Baku Crimea Urals Volga Kremlin
    """
) | frozenset({"Soviet Union", "United States", "Saint Petersburg", "Winter Palace", "Red Square", "Alma-Ata"})
PLACE_WORDS = _words(
    """
    Palace Square Street Road River Sea Mountains Island Islands City Province Region
    """
)

# Function words: a key term never includes one (walking back from a clause's end stops at the first).
STOP_WORDS = _words(
    """
    a an the this that these those their theirs his her hers its our ours my mine your yours some any no
    every each all both such other another more most much many few several own same i we you he she it they
    them us him me who whom which what whose whatever there here of in on at by for from to with without
    within into onto over under about against among between through during after before since until upon
    across towards toward as than like via per up out down off around along behind beyond near and or but
    nor yet so if because while although though whether when where how why then is are was were be been
    being am has have had do does did can could will would shall should may might must not only just also
    even still again now already very too one two three four five six seven eight nine ten first second
    third last next said says say wrote became become began begun got get led made make took take saw see
    gave give put let went go came come kept keep seemed seem there's it's
    """
)

# Where the text says a number is approximate, a tenth either side counts as right.
APPROXIMATE = re.compile(r"\b(?:some|about|around|nearly|almost|over|approximately|roughly|more than)\s+$", re.I)

QUOTE_MAX_WORDS = 8
KEY_TERM_MAX_WORDS = 4
CHRONOLOGY_MAX_GAP = 15  # passages between two dated sentences of one chronology

_WORD = re.compile(r"(?<![\w’'])[^\W\d_][\w’'\-]*")
_POSSESSIVE = re.compile(r"(?:[’']s|[’'])$")
# A full stop after an initial ("James P. Cannon") ends no sentence.
_SENTENCE_START = re.compile(r"(?:^|(?<!\b[A-Z])[.!?]\s+|[“\"‘(]\s*)$")


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    reason: str


# --- Dates and numbers --------------------------------------------------------------------------------------

_YEAR = r"(?:1[0-9]{3}|20[0-9]{2})"
_NOT_NUMBER_BEFORE = r"(?<![\w£$€.,])(?<!\d\s)"
_NOT_NUMBER_AFTER = r"(?![\w]|[.,]\d|\s\d)"
_DATES = [
    # (pattern, reason): the first that matches a stretch of text wins it.
    (
        re.compile(
            rf"{_NOT_NUMBER_BEFORE}(?P<day>\d{{1,2}})\s+(?P<month>{_MONTH})\s+(?P<year>{_YEAR}){_NOT_NUMBER_AFTER}"
        ),
        "date",
    ),
    (re.compile(rf"\b(?P<month>{_MONTH})\s+(?P<day>\d{{1,2}}),?\s+(?P<year>{_YEAR}){_NOT_NUMBER_AFTER}"), "date"),
    (re.compile(rf"\b(?P<month>{_MONTH})\s+(?P<year>{_YEAR}){_NOT_NUMBER_AFTER}"), "date"),
    (re.compile(rf"{_NOT_NUMBER_BEFORE}(?P<day>\d{{1,2}})\s+(?P<month>{_MONTH})\b"), "date"),
    (re.compile(rf"{_NOT_NUMBER_BEFORE}(?P<year>{_YEAR})\s*[-–]\s*(?:{_YEAR}|\d{{2}}){_NOT_NUMBER_AFTER}"), "years"),
    (re.compile(rf"{_NOT_NUMBER_BEFORE}(?P<year>{_YEAR}){_NOT_NUMBER_AFTER}"), "year"),
]
_NUMBER = re.compile(
    rf"{_NOT_NUMBER_BEFORE}(?P<value>\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.\d+)?"
    r"(?:(?P<ordinal>st|nd|rd|th)\b|(?P<percent>\s?(?:%|percent\b|per cent\b)))?"
    r"(?![\w]|[.,]\d|\s\d)"
)


@dataclass(frozen=True)
class _Date:
    start: int
    end: int
    reason: str
    year: int | None
    month: int | None
    day: int | None
    year_start: int | None  # where the year's digits are, to gap only them in a number item
    year_end: int | None


def _dates(text: str) -> list[_Date]:
    taken: list[_Date] = []
    for pattern, reason in _DATES:
        for match in pattern.finditer(text):
            if any(match.start() < d.end and d.start < match.end() for d in taken):
                continue
            groups = match.groupdict()
            has_year = groups.get("year") is not None
            taken.append(
                _Date(
                    match.start(),
                    match.end(),
                    reason,
                    int(groups["year"]) if has_year else None,
                    MONTHS[groups["month"]] if groups.get("month") else None,
                    int(groups["day"]) if groups.get("day") else None,
                    match.start("year") if has_year else None,
                    match.end("year") if has_year else None,
                )
            )
    return sorted(taken, key=lambda d: d.start)


@dataclass(frozen=True)
class _Number:
    start: int
    end: int  # the blank: digits and their unit ("55 percent", "12th")
    digits_end: int
    value: Decimal
    reason: str


def _numbers(text: str, dates: Sequence[_Date]) -> list[_Number]:
    numbers = []
    for match in _NUMBER.finditer(text):
        if any(match.start() < d.end and d.start < match.end() for d in dates):
            continue
        value = parse_number(match.group("value"))
        if value is None:
            continue
        reason = "percentage" if match.group("percent") else "ordinal" if match.group("ordinal") else "number"
        numbers.append(_Number(match.start(), match.end(), match.end("value"), value, reason))
    return numbers


# --- Names --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NameLexicon:
    """What the whole source says about capitalised words, so that a sentence's first word can be judged."""

    mid_sentence: frozenset[str]  # one-word names written somewhere other than at a sentence's start
    surnames: frozenset[str]  # last words of the runs that look like people's names

    @classmethod
    def build(cls, texts: Iterable[str]) -> NameLexicon:
        mid: set[str] = set()
        surnames: set[str] = set()
        for text in texts:
            for run in _capital_runs(text, lexicon=None):
                words = _run_words(text, run)
                if len(words) == 1:
                    mid.add(words[0])
                if _classify(words, surnames=frozenset()) == "person" and len(words) >= 2:
                    surnames.add(words[-1])
        return cls(frozenset(mid), frozenset(surnames))


def _at_sentence_start(text: str, position: int) -> bool:
    return bool(_SENTENCE_START.search(text[:position]))


def _capital_runs(text: str, lexicon: NameLexicon | None) -> list[tuple[int, int]]:
    """Spans of names: capitalised words joined by single spaces (and particles between capitalised words)."""
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(words):
        start, _end, word = words[i]
        if not word[0].isupper():
            i += 1
            continue
        first = i
        j = i
        while True:
            # Extend over "Word Word", or "Word particle(s) Word", separated by single spaces only.
            k = j + 1
            while k < len(words) and k - j <= 2 and words[k][2] in PARTICLES and _spaced(text, words[k - 1], words[k]):
                k += 1
            if k < len(words) and words[k][2][0].isupper() and _spaced(text, words[k - 1], words[k]):
                if _POSSESSIVE.search(words[j][2]) and not words[j][2].endswith("s’"):
                    break  # "Stalin’s Party": a possessive ends a name
                j = k
                continue
            break
        # A run that starts a sentence: drop a leading function word; a lone word must be known mid-sentence.
        if _at_sentence_start(text, start):
            if word in STOP_CAPS:
                first += 1
                while first <= j and words[first][2] in PARTICLES:
                    first += 1
            elif first == j and (lexicon is None or _strip_possessive(word) not in lexicon.mid_sentence):
                first = j + 1
        while first <= j and words[first][2] in STOP_CAPS:
            first += 1
        if first <= j:
            runs.append((words[first][0], words[j][1]))
        i = j + 1
    return runs


def _spaced(text: str, left: tuple[int, int, str], right: tuple[int, int, str]) -> bool:
    gap = text[left[1] : right[0]]
    return gap == " " or (gap == ". " and re.fullmatch(r"[A-Z]", left[2]) is not None)  # "James P. Cannon"


def _strip_possessive(word: str) -> str:
    return _POSSESSIVE.sub("", word)


def _run_words(text: str, run: tuple[int, int]) -> list[str]:
    words = text[run[0] : run[1]].split(" ")
    words[-1] = _strip_possessive(words[-1])
    return [w for w in words if w]


def _classify(words: Sequence[str], *, surnames: frozenset[str]) -> str | None:
    """person, place, organisation or name; None for what isn't worth a blank."""
    phrase = " ".join(words)
    if phrase in PLACES or words[-1] in PLACE_WORDS:
        return "place"
    if any(w in ORGANISATION_WORDS for w in words):
        return "organisation"
    capitals = [w for w in words if w not in PARTICLES]
    if len(capitals) == 1:
        word = capitals[0]
        if word in MONTHS or word in STOP_CAPS or len(word) < 2:
            return None
        if re.search(r"(?:ist|ian|ese|ish)$", word):
            return None  # an adjective: "Stalinist", "Russian"
        return "person" if word in surnames else "name"
    if 2 <= len(capitals) <= 4 and all(
        w not in PARTICLES or w in {"de", "von", "van", "der", "da", "di"} for w in words
    ):
        return "person"
    return "name"


def _names(text: str, lexicon: NameLexicon) -> list[_Span]:
    spans = []
    for start, end in _capital_runs(text, lexicon):
        words = _run_words(text, (start, end))
        reason = _classify(words, surnames=lexicon.surnames)
        if reason is None:
            continue
        last = text[start:end].split(" ")[-1]
        end -= len(last) - len(_strip_possessive(last))  # "Stalin’s" → "Stalin"
        spans.append(_Span(start, end, reason))
    return spans


# --- Quotes and key terms -----------------------------------------------------------------------------------

_QUOTES = [re.compile(r"“([^”“]+)”"), re.compile(r'"([^"]+)"'), re.compile(r"(?<!\w)‘([^’‘]+)’(?!\w)")]


def _quotes(text: str) -> list[_Span]:
    spans = []
    for pattern in _QUOTES:
        for match in pattern.finditer(text):
            inner = match.group(1)
            stripped = inner.strip().rstrip(",.;:!?").rstrip()
            start = match.start(1) + (len(inner) - len(inner.lstrip()))
            if stripped and 1 <= len(stripped.split()) <= QUOTE_MAX_WORDS:
                spans.append(_Span(start, start + len(stripped), "quote"))
    return spans


_CLAUSE_END = re.compile(r"(?P<mark>[.!?;:,—–]|[”\"’](?!\w)|$)")


def _key_terms(text: str) -> list[_Span]:
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
    spans = []
    for index, (_start, end, word) in enumerate(words):
        after = _CLAUSE_END.match(text, end)
        if after is None or (after.group("mark") == "" and end != len(text)):
            continue
        mark = after.group("mark")
        if mark in {".", "!", "?"} and re.fullmatch(r"[A-Z]", word):
            continue  # an initial, "James P. Cannon"
        sentence_end = mark in {".", "!", "?", "”", '"', "’", ""}
        first = index
        while first >= 0:
            w = words[first][2]
            lower = w.casefold()
            if lower in STOP_WORDS or (re.search(r"(?:ly|ed)$", lower) and len(lower) > 4):
                break
            if first < index and not _spaced(text, words[first], words[first + 1]):
                break
            first -= 1
        first += 1
        chosen = words[first : index + 1]
        if not chosen or len(chosen) > KEY_TERM_MAX_WORDS:
            continue
        if len(chosen) == 1 and (not sentence_end or len(chosen[0][2]) < 5):
            continue
        if chosen[-1][2][0].isupper() and not (first == 0 or _at_sentence_start(text, chosen[-1][0])):
            continue  # ends in a name ("economist Yevgeni Preobrazhensky"): the name rule proposes that
        spans.append(_Span(chosen[0][0], chosen[-1][1], "key term"))
    return spans


# --- Candidates ---------------------------------------------------------------------------------------------


def _cloze(text: str, start: int, end: int) -> str:
    return f"{text[:start]}{{{{{text[start:end]}}}}}{text[end:]}"


def _gap(text: str, start: int, end: int) -> str:
    return f"{text[:start]}…{text[end:]}"


_NUMBER_QUESTIONS = {
    "year": "In what year?",
    "percentage": "What percentage goes in the gap?",
    "ordinal": "Which number goes in the gap?",
    "number": "What number goes in the gap?",
}


def draft_passage(passage: PassageLike, lexicon: NameLexicon) -> list[Candidate]:
    """The cloze and number candidates of one passage, in reading order within each rule."""
    text = passage.text
    if "{{" in text or "}}" in text:
        return []  # a cloze prompt made from it would have more than one blank
    here = (passage.index,)
    candidates: list[Candidate] = []
    blanks: set[tuple[int, int]] = set()

    def cloze(start: int, end: int, reason: str) -> None:
        if (start, end) in blanks or not text[start:end].strip():
            return
        blanks.add((start, end))
        candidates.append(
            Candidate(passage.index, ItemKind.CLOZE, _cloze(text, start, end), text[start:end], reason, passages=here)
        )

    dates = _dates(text)
    numbers = _numbers(text, dates)
    for date in dates:
        cloze(date.start, date.end, date.reason)
    for number in numbers:
        cloze(number.start, number.end, number.reason)
    for date in dates:
        if date.year is not None and date.reason != "years":
            prompt = f"{_NUMBER_QUESTIONS['year']} {_gap(text, date.year_start, date.year_end)}"
            candidates.append(Candidate(passage.index, ItemKind.NUMBER, prompt, str(date.year), "year", passages=here))
    for number in numbers:
        approximate = APPROXIMATE.search(text[: number.start]) and number.value >= 100
        tolerance = (number.value / 10).quantize(Decimal(1)) if approximate else Decimal(0)
        prompt = f"{_NUMBER_QUESTIONS[number.reason]} {_gap(text, number.start, number.digits_end)}"
        candidates.append(
            Candidate(
                passage.index,
                ItemKind.NUMBER,
                prompt,
                str(number.value),
                number.reason,
                tolerance=tolerance,
                passages=here,
            )
        )
    for span in [*_names(text, lexicon), *_quotes(text), *_key_terms(text)]:
        cloze(span.start, span.end, span.reason)
    return candidates


# --- Chronology ---------------------------------------------------------------------------------------------


def _event(passage: PassageLike) -> tuple[EventData, int] | None:
    """The passage as an event: its first dated sentence without the date. None if it carries no year."""
    text = passage.text
    for date in _dates(text):
        if date.year is None or date.reason == "years":
            continue
        # The sentence (within a passage of several) that holds the date.
        begin = max((m.end() for m in re.finditer(r"[.!?][”\"]?\s+", text[: date.start])), default=0)
        stop = re.search(r"[.!?][”\"]?(?:\s|$)", text[date.end :])
        finish = date.end + stop.end() if stop else len(text)
        sentence = text[begin:finish].strip()
        relative = date.start - begin - (len(text[begin:finish]) - len(text[begin:finish].lstrip()))
        before, after = sentence[:relative], sentence[relative + date.end - date.start :]
        before = re.sub(r"(?:,\s*)?\b(?:[Ii]n|[Oo]n|[Bb]y|[Dd]uring|[Ff]rom)\s+$", "", before)
        after = re.sub(r"^,\s*", "", after) if not before.rstrip() else after
        event = re.sub(r"\s+([,.;:!?])", r"\1", f"{before.rstrip()} {after.lstrip()}".strip())
        event = re.sub(r",\s*,", ",", event)
        if not re.search(r"[^\W\d_]", event):
            return None
        event = event[0].upper() + event[1:]
        if len(event) > 300:
            event = event[:299].rstrip() + "…"
        month_name = next((name for name, number in MONTHS.items() if number == date.month), "")
        when = " ".join(part for part in (str(date.day or ""), month_name, str(date.year)) if part)
        key = date.year * 10000 + (date.month or 0) * 100 + (date.day or 0)
        return EventData(event, when, key), passage.index
    return None


def draft_chronologies(passages: Sequence[PassageLike]) -> list[Candidate]:
    """Groups of 3–6 dated sentences close together in the source, each a chronology candidate."""
    groups: list[list[tuple[EventData, int]]] = []
    current: list[tuple[EventData, int]] = []
    for passage in passages:
        found = _event(passage)
        if found is None:
            continue
        event, index = found
        if current and (index - current[-1][1] > CHRONOLOGY_MAX_GAP or len(current) == MAX_EVENTS):
            groups.append(current)
            current = []
        if all(event.sort_key != e.sort_key for e, _ in current):
            current.append((event, index))
    groups.append(current)
    candidates = []
    for group in groups:
        if len(group) < MIN_EVENTS:
            continue
        events = tuple(event for event, _ in group)
        answer = " → ".join(e.text for e in sorted(events, key=lambda e: e.sort_key))
        candidates.append(
            Candidate(
                group[0][1],
                ItemKind.CHRONOLOGY,
                "Put these events in order.",
                answer,
                "chronology",
                events=events,
                passages=tuple(index for _, index in group),
            )
        )
    return candidates


def draft(passages: Sequence[PassageLike]) -> list[Candidate]:
    """Every candidate for a source's passages (in order), grouped by the passage each starts from."""
    passages = sorted(passages, key=lambda p: p.index)
    lexicon = NameLexicon.build(p.text for p in passages)
    by_passage: dict[int, list[Candidate]] = {p.index: draft_passage(p, lexicon) for p in passages}
    for chronology in draft_chronologies(passages):
        by_passage[chronology.passage].append(chronology)
    return [candidate for p in passages for candidate in by_passage[p.index]]


# --- Comparing with items -----------------------------------------------------------------------------------

_QUOTE_MARKS = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "})


def normalise(text: str) -> str:
    """Text compared as a reader would: case, quote marks, dashes, spacing and end punctuation ignored."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTE_MARKS).casefold()
    return " ".join(text.split()).strip(" .,;:!?\"'")


def matches(candidate: Candidate, *, kind: str, prompt: str, answer: str) -> bool:
    """Whether an item (of the same passage) is what the candidate proposes.

    A cloze matches on its blanked words, a number on its value, other kinds on the prompt (and a
    chronology on its events' order too).
    """
    if candidate.kind != kind:
        return False
    if kind == ItemKind.CLOZE:
        blank = re.search(r"\{\{(.+?)\}\}", prompt, re.DOTALL)
        return candidate.blank is not None and normalise(candidate.blank) == normalise(
            blank.group(1) if blank else answer
        )
    if kind == ItemKind.NUMBER:
        value = parse_number(answer)
        return value is not None and parse_number(candidate.answer) == value
    if kind == ItemKind.CHRONOLOGY:
        return normalise(candidate.answer) == normalise(answer)
    return normalise(candidate.prompt) == normalise(prompt)
