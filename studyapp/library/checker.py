"""The deck checker: problems in a deck that no single item's validation can see.

`check_items` is pure: it takes the items of one deck as plain data (`CheckedItem`) and returns `Finding`s, each
with its kind, the items concerned (the one to change first), a plain message and the evidence. `check_deck` loads
a deck's items with their choices and events in three queries, whatever the deck's size, and checks them.

Texts are compared after `grading.normalise` (case, accents, quotes, dashes, punctuation and a leading article do
not matter), word for word: an answer is "in" a text when its words stand in the text as a run of whole words, so
“Lenin” is not in “Leninism”, and a number is one token, so “12” is not in “120” or “12b” (nor in “12th”, except
for number items: see below).

The rules, one per kind of finding:

Give-aways (`GIVE_AWAY`)
    Item A's answer is in item B's prompt or explanation, on either side of B if B is a reversed card (both are
    shown together), or in the text of one of B's chronology events (shown as the question), so a learner who
    meets B first is handed A's answer. What B shows only as its own answer does not count: a hidden cloze blank,
    its choices (the learner doesn't know which is right), the dates of its events.
    A's answers are its answer and accepted answers; each correct choice, for multiple choice; for a reversed item,
    its back (asked front to back) and its front with its accepted answers (asked back to front: the demo deck
    keeps other spellings of the front there, “Preobrazhensky” for “Yevgeni Preobrazhensky”). True/false and
    chronology items ask nothing that another text can state.
    Trivial answers are skipped: True/False, a single letter, and answers made only of stop words (`STOP_WORDS`:
    “the”, “of”, “it”, “was”…). Numbers and number words (“2”, “two”) are never trivial. A number item's answer is
    also found as an ordinal (“the 12th congress” answers “which numbered congress?”).
    Naming an answer is not enough: “Trotsky” or “1923” stand in most texts of a deck on the Left Opposition
    without giving any item away. The text must also say it *about A's question*: within `GIVE_AWAY_WINDOW`
    words of the answer it must have at least `GIVE_AWAY_MIN_CUES` of A's cue words (all of them if A has fewer),
    and at least one of those must be uncommon in the deck. A's cue words are the words of its question (for a
    reversed item, of the side shown) that are neither stop words, question words (`QUESTION_WORDS`: “which”,
    “year”, “according”…), nor words of its answers; they are compared by a crude stem (`stem`: “demanded” is
    “demand”, “Lenin's” is “Lenin”). A word is common when more than `GIVE_AWAY_COMMON_SHARE` of the deck's items
    (and more than `GIVE_AWAY_COMMON_MIN_ITEMS`) use it. So “In what year did Trotsky write the secret letter?”
    is given away by “Trotsky's secret letter of 1923…” (“secret”, “letter” next to 1923) but not by “the
    Forty-Six (1923)” or “the open letter of 15 October 1923” (only the common “letter” nearby).
    What this misses: an answer reworded (“partly” for “partially”), a fact told without the answer's words
    (“the year the civil war ended” for 1921), and an answer far from the words that give its context.
Near-duplicates (`NEAR_DUPLICATE`)
    Two items share an answer (after normalising; any of their answers and accepted answers) and their prompts
    are at least `DUPLICATE_MIN_SIMILARITY` similar (RapidFuzz `token_sort_ratio` of the normalised prompts, 0–100,
    so word order does not matter). For true/false items every True is the same answer, so this is prompt against
    prompt among items of the same truth.
Reversed backs (`REVERSED_BACK`)
    A reversed item is also asked back to front: its back is shown and the learner recalls its front. If the back
    is also the answer (or accepted answer) of another item, or the back of another reversed item, the reverse card
    has more than one right answer.
Cloze stop words (`CLOZE_STOP_WORD`)
    A cloze blank made only of stop words (“{{the}}”, “{{of the}}”) tests grammar, not the source.
Distractors (`DISTRACTOR`)
    A wrong choice of a multiple-choice item that equals, after normalising, a right choice or one of the item's
    accepted answers: the learner cannot tell them apart, and a right answer is marked wrong.
Chronology dates (`CHRONOLOGY`)
    Two events of one item with the same sort key (their order is ambiguous); a sort key that is not a date written
    YYYYMMDD; a key whose year, month or day disagrees with its shown date (`when`: the first year written —
    “1918-21” is 1918 —, a month named in English, a day written before or after the month); and two events in one
    year of which one is known only to the year and the other to the month or day, since the key 19230000 puts
    “1923” before “April 1923” although the text doesn't say which came first.
Passages (`NO_PASSAGE`)
    An item that cites no passage of the deck's source, so a learner who misses it can't read the sentence it came
    from. A deck with no source at all gets one finding naming all its items.
"""

from __future__ import annotations

import enum
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from studyapp.library.grading import normalise
from studyapp.library.models import CLOZE_BLANK, ChoiceData, Deck, EventData, Item, ItemKind
from studyapp.library.templatetags.library_tags import plain

GIVE_AWAY_MIN_CUES = 2
GIVE_AWAY_WINDOW = 6
GIVE_AWAY_COMMON_SHARE = 0.1
GIVE_AWAY_COMMON_MIN_ITEMS = 5
DUPLICATE_MIN_SIMILARITY = 85

# English function words (after NLTK's list, without the number words, which are facts in a deck).
STOP_WORDS = frozenset(
    """
    a about above after again against all am an and any are as at be because been before being below between both
    but by can could did do does doing down during each few for from further had has have having he her here hers
    herself him himself his i if in into is it its itself just me more most my myself no nor not now of off on once
    only or other our ours ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were what when where which
    while who whom why will with would you your yours yourself yourselves s t d ll m o re ve y also whose upon
    within without whether yet shall may might must us
    """.split()  # noqa: SIM905 - a list of words reads better as one text
)
# Words that frame a question rather than say what it is about.
QUESTION_WORDS = frozenset(
    """
    which what who whom whose when where why how many much year years date according article answer words digits
    choose apply name named called give given did does describe described say said wrote write written
    """.split()  # noqa: SIM905 - a list of words reads better as one text
)

_SUFFIXES = ("ing", "ed", "es", "s", "e")
_MIN_STEM = 4
_ORDINAL = re.compile(r"(\d+)(?:st|nd|rd|th)")
_YEAR = re.compile(r"\b(\d{4})\b")
_DAY_MONTH = re.compile(r"\b(\d{1,2})\s+([a-z]+)\b|\b([a-z]+)\s+(\d{1,2})\b")
MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}


def _plain(text: str) -> str:
    """Authored text as findings quote it: plain, as lists show it, a cloze blank's words in brackets."""
    return plain(text, "shown")


class FindingKind(enum.Enum):
    """Kinds of finding, in the order the page groups them; the value is the group's heading."""

    GIVE_AWAY = "Answers given away by another item"
    NEAR_DUPLICATE = "Near-duplicate items"
    REVERSED_BACK = "Reversed items whose back is not unique"
    CLOZE_STOP_WORD = "Cloze blanks that are stop words"
    DISTRACTOR = "Distractors equal to a right answer"
    CHRONOLOGY = "Chronology events with equal or inconsistent dates"
    NO_PASSAGE = "Items citing no passage"

    @property
    def label(self) -> str:
        return self.value

    @property
    def slug(self) -> str:
        return self.name.lower().replace("_", "-")


@dataclass(frozen=True)
class CheckedItem:
    """What the checker reads of one item; `from_item` makes it from a model row with prefetched parts."""

    id: int
    number: int  # Its place in the deck, from 1, as the deck page numbers items.
    kind: str
    prompt: str
    answer: str = ""
    accepted_answers: tuple[str, ...] = ()
    explanation: str = ""
    passage_id: int | None = None
    choices: tuple[ChoiceData, ...] = ()
    events: tuple[EventData, ...] = ()

    @classmethod
    def from_item(cls, item: Item, number: int) -> CheckedItem:
        return cls(
            id=item.pk,
            number=number,
            kind=item.kind,
            prompt=item.prompt,
            answer=item.answer,
            accepted_answers=tuple(a for a in item.accepted_answers if isinstance(a, str)),
            explanation=item.explanation,
            passage_id=item.passage_id,
            choices=tuple(ChoiceData(c.text, c.is_correct) for c in item.choices.all()),
            events=tuple(EventData(e.text, e.when, e.sort_key) for e in item.events.all()),
        )

    @property
    def label(self) -> str:
        """How findings name the item: its number in the deck."""
        return f"item {self.number}"

    @property
    def shown_prompt(self) -> str:
        """The prompt as the learner sees it before answering: a cloze blank hidden."""
        if self.kind == ItemKind.CLOZE:
            return CLOZE_BLANK.sub(" … ", self.prompt)
        return self.prompt

    def questions(self) -> list[tuple[list[str], str]]:
        """(answers, question) for each way the item is asked: what another item could give away, and what about.

        True/false and chronology items ask nothing another text can state. A reversed item is asked both ways:
        front to back, and back to front, where the learner recalls the front or another spelling of it (its
        accepted answers, as the demo deck writes them: “Preobrazhensky” for “Yevgeni Preobrazhensky”).
        """
        if self.kind in (ItemKind.TRUE_FALSE, ItemKind.CHRONOLOGY):
            return []
        if self.kind == ItemKind.MULTIPLE_CHOICE:
            return [([c.text for c in self.choices if c.is_correct] + list(self.accepted_answers), self.prompt)]
        if self.kind == ItemKind.REVERSED:
            return [([self.answer], self.prompt), ([self.prompt, *self.accepted_answers], self.answer)]
        return [([self.answer, *self.accepted_answers], self.shown_prompt)]

    def shown_texts(self) -> list[tuple[str, str]]:
        """(where, text) for each text a learner reads in this item apart from its own answer."""
        # A reversed card shows both sides together, so they are read as one text.
        texts = [("two sides", f"{self.prompt} — {self.answer}")] if self.kind == ItemKind.REVERSED else []
        texts = texts or [("prompt", self.shown_prompt)]
        texts += [(f"event “{_plain(e.text)}”", e.text) for e in self.events]
        if self.explanation.strip():
            texts.append(("explanation", self.explanation))
        return texts


@dataclass(frozen=True)
class Finding:
    kind: FindingKind
    items: tuple[CheckedItem, ...]  # The item to change first, then the others concerned.
    message: str
    evidence: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Report:
    deck: Deck
    findings: list[Finding]

    @property
    def clean(self) -> bool:
        return not self.findings

    def grouped(self) -> list[tuple[FindingKind, list[Finding]]]:
        """The findings by kind, in `FindingKind` order, leaving out kinds with none."""
        by_kind: dict[FindingKind, list[Finding]] = {}
        for finding in self.findings:
            by_kind.setdefault(finding.kind, []).append(finding)
        return [(kind, by_kind[kind]) for kind in FindingKind if kind in by_kind]


# --- loading --------------------------------------------------------------------------------------------------


def load_items(deck: Deck) -> list[CheckedItem]:
    """The deck's items in order with their choices and events: three queries whatever the deck's size."""
    items = deck.items.prefetch_related("choices", "events").order_by("position")
    return [CheckedItem.from_item(item, number) for number, item in enumerate(items, start=1)]


def check_deck(deck: Deck) -> Report:
    """Check a deck (three queries; the deck's source is read from `deck.source_id`)."""
    return Report(deck, check_items(load_items(deck), has_source=deck.source_id is not None))


# --- the rules ------------------------------------------------------------------------------------------------


def check_items(items: Sequence[CheckedItem], *, has_source: bool = True) -> list[Finding]:
    """Every finding for one deck's items, grouped by kind in `FindingKind` order, items in deck order."""
    items = sorted(items, key=lambda item: item.number)
    return [
        *give_aways(items),
        *near_duplicates(items),
        *reversed_backs(items),
        *cloze_stop_words(items),
        *distractors(items),
        *chronology_dates(items),
        *missing_passages(items, has_source=has_source),
    ]


def words(text: str) -> list[str]:
    return normalise(text).split()


def is_trivial(answer: str) -> bool:
    """True/False, one letter, or nothing but stop words: too common to give anything away."""
    tokens = words(answer)
    if not tokens or answer.strip().casefold() in {"true", "false"}:
        return True
    if len(tokens) == 1 and len(tokens[0]) == 1 and not tokens[0].isdigit():
        return True
    return all(token in STOP_WORDS for token in tokens)


def _find_run(needle: Sequence[str], haystack: Sequence[str]) -> int:
    """Where the words of needle stand in haystack as a run of whole words, or -1."""
    size = len(needle)
    for start in range(len(haystack) - size + 1):
        if list(haystack[start : start + size]) == list(needle):
            return start
    return -1


def _cues(question: str, answer_words: set[str]) -> set[str]:
    """The stems of the words of a question that say what it is about (see the module docstring)."""
    return {
        stem(word)
        for word in words(question)
        if word not in STOP_WORDS and word not in QUESTION_WORDS and word not in answer_words and len(word) > 1
    }


def document_frequency(items: Sequence[CheckedItem]) -> Counter[str]:
    """In how many items each word's stem occurs, over everything an item holds."""
    counts: Counter[str] = Counter()
    for item in items:
        texts = [item.prompt, item.answer, *item.accepted_answers, item.explanation]
        texts += [choice.text for choice in item.choices] + [event.text for event in item.events]
        counts.update({stem(word) for text in texts for word in words(text)})
    return counts


def stem(word: str) -> str:
    """A crude stem, so that a cue matches its other forms: “demanded” and “demand”, “Lenin's” and “Lenin”."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            return word[: -len(suffix)]
    return word


def _ordinals_read(tokens: list[str]) -> list[str]:
    """The tokens with ordinals read as their numbers (“12th” → “12”), for items that ask for a number."""
    return [match[1] if (match := _ORDINAL.fullmatch(token)) else token for token in tokens]


def give_aways(items: Sequence[CheckedItem]) -> list[Finding]:
    shown = [(item, [(where, text, words(text)) for where, text in item.shown_texts()]) for item in items]
    frequency = document_frequency(items)
    common_above = max(GIVE_AWAY_COMMON_MIN_ITEMS, len(items) * GIVE_AWAY_COMMON_SHARE)
    findings = []
    for asked in items:
        questions = []  # (answer words, answer as written, cue words) for each way the item is asked
        for answer_texts, question in asked.questions():
            # One entry per distinct normalised answer: “Forty six” and “forty-six” are one answer.
            answers = {}
            for text in answer_texts:
                if not is_trivial(text):
                    answers.setdefault(tuple(words(text)), text)
            cues = _cues(question, {word for answer_words in answers for word in answer_words})
            questions += [(answer_words, text, cues) for answer_words, text in answers.items()]
        if not questions:
            continue
        for other, texts in shown:
            if other.id == asked.id:
                continue
            evidence = []
            for answer_words, answer, cues in questions:
                needed = min(GIVE_AWAY_MIN_CUES, len(cues))
                if not needed:
                    continue
                for where, text, tokens in texts:
                    if asked.kind == ItemKind.NUMBER:
                        tokens = _ordinals_read(tokens)
                    start = _find_run(answer_words, tokens)
                    if start < 0:
                        continue
                    end = start + len(answer_words)
                    window = tokens[max(0, start - GIVE_AWAY_WINDOW) : end + GIVE_AWAY_WINDOW]
                    shared = {stem(word) for word in window} & cues
                    if len(shared) < needed or all(frequency[cue] > common_above for cue in shared):
                        continue
                    near = ", ".join(f"“{word}”" for word in sorted(set(window)) if stem(word) in shared)
                    evidence.append(
                        f"The {where} of {other.label} names “{_plain(answer)}” (near {near}): “{_plain(text)}”"
                    )
                    break  # One place per answer is evidence enough.
            if evidence:
                findings.append(
                    Finding(
                        FindingKind.GIVE_AWAY,
                        (other, asked),
                        f"{other.label.capitalize()} gives away the answer to {asked.label}: a learner who sees "
                        f"{other.label} first has been told it.",
                        tuple(evidence),
                    )
                )
    return findings


def _answer_set(item: CheckedItem) -> set[str]:
    if item.kind == ItemKind.TRUE_FALSE:
        return {item.answer.casefold()}
    if item.kind == ItemKind.CHRONOLOGY:
        return {normalise(item.answer)} if item.answer.strip() else set()
    return {normalise(text) for text in [item.answer, *item.accepted_answers] if text.strip()}


def near_duplicates(items: Sequence[CheckedItem]) -> list[Finding]:
    answers = [(item, _answer_set(item), normalise(item.prompt)) for item in items]
    findings = []
    for index, (first, first_answers, first_prompt) in enumerate(answers):
        for second, second_answers, second_prompt in answers[index + 1 :]:
            common = first_answers & second_answers
            if not common:
                continue
            similarity = fuzz.token_sort_ratio(first_prompt, second_prompt)
            if similarity < DUPLICATE_MIN_SIMILARITY:
                continue
            findings.append(
                Finding(
                    FindingKind.NEAR_DUPLICATE,
                    (second, first),
                    f"{second.label} asks nearly what {first.label} asks, with the same answer.",
                    (
                        f"Both answer “{sorted(common)[0]}”; the prompts are {similarity:.0f}% alike: "
                        f"“{_plain(first.prompt)}” and “{_plain(second.prompt)}”.",
                    ),
                )
            )
    return findings


def reversed_backs(items: Sequence[CheckedItem]) -> list[Finding]:
    backs: dict[str, list[tuple[CheckedItem, str]]] = {}
    for item in items:
        if item.kind == ItemKind.REVERSED:
            backs.setdefault(normalise(item.answer), []).append((item, "back"))
        elif item.kind not in (ItemKind.TRUE_FALSE, ItemKind.CHRONOLOGY, ItemKind.MULTIPLE_CHOICE):
            for text in dict.fromkeys(normalise(t) for t in [item.answer, *item.accepted_answers] if t.strip()):
                backs.setdefault(text, []).append((item, "answer"))
    findings = []
    for item in items:
        if item.kind != ItemKind.REVERSED:
            continue
        others = [(other, where) for other, where in backs.get(normalise(item.answer), []) if other.id != item.id]
        if others:
            findings.append(
                Finding(
                    FindingKind.REVERSED_BACK,
                    (item, *(other for other, _ in others)),
                    f"Asked back to front, {item.label} shows “{_plain(item.answer)}”, which is also "
                    + ", ".join(f"the {where} of {other.label}" for other, where in others)
                    + ": the reverse card has more than one right answer.",
                    tuple(f"{other.label}: “{_plain(other.prompt)}” → “{_plain(other.answer)}”" for other, _ in others),
                )
            )
    return findings


def cloze_stop_words(items: Sequence[CheckedItem]) -> list[Finding]:
    findings = []
    for item in items:
        if item.kind != ItemKind.CLOZE:
            continue
        for blank in CLOZE_BLANK.findall(item.prompt):
            tokens = words(blank)
            if tokens and all(token in STOP_WORDS for token in tokens):
                findings.append(
                    Finding(
                        FindingKind.CLOZE_STOP_WORD,
                        (item,),
                        f"The blank of {item.label}, “{blank}”, is a stop word: it tests grammar, not the source.",
                        (_plain(item.prompt),),
                    )
                )
    return findings


def distractors(items: Sequence[CheckedItem]) -> list[Finding]:
    findings = []
    for item in items:
        if item.kind != ItemKind.MULTIPLE_CHOICE:
            continue
        right = {normalise(c.text): c.text for c in item.choices if c.is_correct}
        right |= {normalise(text): text for text in item.accepted_answers if text.strip()}
        for choice in item.choices:
            if choice.is_correct:
                continue
            same = right.get(normalise(choice.text))
            if same is not None:
                findings.append(
                    Finding(
                        FindingKind.DISTRACTOR,
                        (item,),
                        f"The wrong choice “{_plain(choice.text)}” of {item.label} reads the same as the right answer "
                        f"“{_plain(same)}”.",
                        (
                            f"“{_plain(choice.text)}” and “{_plain(same)}” are both “{normalise(same)}” once case and "
                            "punctuation go.",
                        ),
                    )
                )
    return findings


def _shown_date(when: str) -> tuple[int | None, int | None, int | None]:
    """(year, month, day) written in an event's `when`, each None if not written."""
    text = when.casefold()
    year_match = _YEAR.search(text)
    year = int(year_match[1]) if year_match else None
    month = day = None
    for word in re.findall(r"[a-z]+", text):
        if word in MONTHS:
            month = MONTHS[word]
            break
    if month is not None:
        for match in _DAY_MONTH.finditer(text):
            number, name = (match[1], match[2]) if match[1] else (match[4], match[3])
            if MONTHS.get(name) == month and 1 <= int(number) <= 31:
                day = int(number)
                break
    return year, month, day


def _key_date(key: int) -> tuple[int, int, int] | None:
    """(year, month, day) of a YYYYMMDD key, zeros for what is unknown; None if it isn't one."""
    if key < 0:
        return None
    year, month, day = key // 10000, key // 100 % 100, key % 100
    if month > 12 or day > 31 or (month == 0 and day):
        return None
    return year, month, day


def chronology_dates(items: Sequence[CheckedItem]) -> list[Finding]:
    findings = []
    for item in items:
        if item.kind != ItemKind.CHRONOLOGY:
            continue
        problems = []
        for key, count in Counter(e.sort_key for e in item.events).items():
            if count > 1:
                same = [f"“{_plain(e.text)}”" for e in item.events if e.sort_key == key]
                problems.append(f"{' and '.join(same)} have the same sort key {key}, so their order is ambiguous.")
        dated = []
        for event in item.events:
            date = _key_date(event.sort_key)
            if date is None:
                problems.append(
                    f"“{_plain(event.text)}”: the sort key {event.sort_key} is not a date written YYYYMMDD."
                )
                continue
            dated.append((event, date))
            year, month, day = _shown_date(event.when)
            key = f"the sort key {event.sort_key}"
            shown = f"“{_plain(event.text)}” ({event.when})"
            if year is not None and year != date[0]:
                problems.append(f"{shown}: {key} is in {date[0]}, but the date shown is in {year}.")
            elif month is not None and month != date[1]:
                problems.append(f"{shown}: {key} has month {date[1]:02}, but the date shown names month {month:02}.")
            elif day is not None and day != date[2]:
                problems.append(f"{shown}: {key} has day {date[2]:02}, but the date shown is day {day}.")
        for event, (year, month, _) in dated:
            if month:
                continue
            vague = [
                other for other, other_date in dated if other is not event and other_date[0] == year and other_date[1]
            ]
            for other in vague:
                problems.append(
                    f"“{_plain(event.text)}” is known only to the year ({event.when or year}) and "
                    f"“{_plain(other.text)}” to the month ({other.when or other.sort_key}): the keys put one first, "
                    "the dates don't say."
                )
        if problems:
            findings.append(
                Finding(
                    FindingKind.CHRONOLOGY,
                    (item,),
                    f"The events of {item.label} can't be put in one sure order by their dates.",
                    tuple(problems),
                )
            )
    return findings


def missing_passages(items: Sequence[CheckedItem], *, has_source: bool) -> list[Finding]:
    if not items:
        return []
    if not has_source:
        return [
            Finding(
                FindingKind.NO_PASSAGE,
                tuple(items),
                f"The deck has no source text, so none of its {len(items)} items cites the sentence it came from.",
                ("Give the deck a source, then link each item to its passage.",),
            )
        ]
    return [
        Finding(
            FindingKind.NO_PASSAGE,
            (item,),
            f"{item.label.capitalize()} cites no passage: a learner who misses it can't read where it came from.",
            (item.prompt,),
        )
        for item in items
        if item.passage_id is None
    ]
