"""Grading a learner's response to one item, for spaced-repetition review and for quizzes alike.

Everything here is pure: callers pass plain data (texts, ids, sort keys) read from the item, and get a `Grade`
back. Nothing touches the database, so the same rules apply wherever an answer is checked.

Decisions a caller should know:

* Typed answers are compared after `normalise` (case, accents, punctuation, curly quotes, a leading article and
  spacing do not matter). A response that is still different may be accepted as a typo when its edit distance to
  the canonical answer or an accepted answer is within `typo_allowance` of that answer's normalised length.
* The edit distance is RapidFuzz's optimal string alignment (OSA) distance: Levenshtein plus adjacent
  transpositions at a cost of one, because swapped letters (“Trotksy”) are the commonest slip when typing and
  plain Levenshtein would charge two for them.
* The grader knows no vocabulary, so a different real word within the allowance (“Mars” for “Marx”) is accepted
  as a typo like any other. Two exceptions:
  - Numbers: if the digits differ (“1924” for “1923”, anywhere in the answer) nothing is forgiven, because a year
    off by one is a wrong fact, not a slip.
  - Endings: a word that is the expected word's stem with another derivational ending (see `_ENDINGS`), or with
    one added or dropped whole, is a different word of the same family, not a slip: “Stalinist” for “Stalinism”,
    “Bolshevik” for “Bolshevism”, “economical” for “economic”, “nation” for “national”. It is refused with a note
    naming both words. Slips inside the stem or the ending are still forgiven (“Trotksy”, “Zinovyev”, “Kamenv”,
    “Bukhari”, “Stalinsim”). Singular and plural count as the same word (“Bolshevik” for “Bolsheviks” and
    “Stalinists” for “Stalinist” are forgiven when within the allowance), because they name the same thing and
    the note still shows the expected form. So do spelling variants of one ending (“adviser”, “advisor”). Words
    are compared one for one only when both texts have the same number of words. An author who wants another
    word of the family to count adds it to the accepted answers.
* A number answer may carry a unit, a percent sign or words around it (“55%”, “in 1923”, “about 3.5 km”,
  “1,923”) as long as it holds exactly one number written in digits; units are ignored, never converted (“55%”
  is 55). None, several (“1923 or 1924”), one written oddly (“3,5”, “3½”, “10²”), a sign written in words
  (“minus 40”, “40 BC”) or one beyond the bounds of `parse_number` (“1e999999999”) is refused with a note saying
  why, never an exception. `Grade.given` stays the learner's text; `Grade.diff` compares the number read with the
  answer.
* Partial credit (`Grade.score`, the fraction a quiz question earns; review uses only `correct`), as Moodle gives it:
  multiple choice with several answers adds each right pick's share and subtracts each wrong pick's, never below 0;
  chronology scores the longest subsequence of events in the right relative order over the number of events (one
  event alone is no order: 0); a number outside the tolerance but within `close_band` earns `CLOSE_NUMBER_CREDIT`.
  Everything else scores 1 or 0.
* `Grade.exact` says the response matched the canonical or an accepted answer after normalising (for a number:
  has the answer's value), and `Grade.shows_difference` says whether a diff is worth showing: not exact, and at
  least one segment that is not "equal". Forgiven typos, wrong answers and numbers merely within tolerance show
  one; exact matches, choices, true/false and chronology do not.
* `Grade.diff` is computed on the *normalised* strings, learner's answer first, with
  `rapidfuzz.distance.Levenshtein.opcodes`, so it marks only the differences that counted. Each segment carries
  one text: "equal" (in both), "delete" (typed by the learner, not in the answer) and "insert" (in the answer,
  missing from the response). A substitution is given as a "delete" followed by an "insert" rather than as one
  "replace" segment, so no text is lost; the "replace" tag is never produced. Joining the "equal" and "delete"
  texts gives the normalised response; joining "equal" and "insert" gives the normalised answer.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from rapidfuzz.distance import OSA, Levenshtein

from studyapp.library.models import parse_number

DiffSegment = tuple[str, str]

ARTICLES = frozenset({"the", "a", "an"})

# Typographic characters mapped to their plain forms before punctuation is dealt with, so that “Lenin’s” and
# "Lenin's" take the same path (the apostrophe is deleted, not turned into a space).
_PLAIN = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "′": "'",
        "ʼ": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "‟": '"',
        "″": '"',
        "«": '"',
        "»": '"',
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "–": "-",
        "—": "-",
        "―": "-",
        "−": "-",
    }
)

# Library catalogues invert titles (“New Economic Policy, The”); that trailing article is dropped like a leading
# one. A bare trailing “a” is not, because it is usually meaningful (“Plan A”, “Vitamin A”).
_INVERTED_ARTICLE = re.compile(r",\s*(?:the|an?)\s*$")
_DIGITS = re.compile(r"\d+")

# A run of digits, points and commas (with a sign where one can stand, and an exponent) that a response's number is
# read from. It may follow a space, a symbol or a bracket (“$55”), never a letter or digit, and may be followed by
# anything (“3.5km”, “55%”); `_PLAIN_NUMBER` then checks that the run is written as one number.
_NUMBER = re.compile(r"(?<![\w.,])[-+]?[\d.,]*\d(?:[eE][-+]?\d+)?")
# Commas only between groups of three digits, so “3,5” (a decimal comma) is not read as 35.
_PLAIN_NUMBER = re.compile(r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
# Words that make the number that follows or precedes them negative; read silently, they would flip its sign.
_SIGN_WORDS = frozenset({"minus", "negative", "bc", "bce"})

# Below this similarity a character-by-character diff is confetti; the whole response is marked as replaced.
_MIN_SIMILARITY_FOR_CHAR_DIFF = 0.5

# Derivational endings, each mapped to what it makes of a stem. Swapping one for another within the typo allowance
# gives a different word of the same family, and in a history course that is usually the point of the question:
# the doctrine or its followers (Stalinism, Stalinist; Bolshevism, Bolshevik — the Russian agent ending -ik), the
# follower or a hostile name for him (Trotskyist, Trotskyite), a related adjective (Marxian, economic, economical,
# national), the quality, the act or the result (collectivity, collective, collectivisation, settlement), a verb
# form (purged, purging). Only spelling variants of one ending share a meaning: agent nouns in -er and -or
# (adviser, advisor), and -ik with -ic, because c for k is the commonest slip in transliterated Russian names
# (“Bolshevic”, “Menshevic”) and no question turns on the difference. The list keeps to endings of at least two
# letters: one-letter endings (-s, -e, -y) are what typos and plurals look like. A plural -s after an ending is read
# through (Stalinists is Stalinist + s).
_ENDINGS = {
    "ism": "doctrine",
    "ist": "follower",
    "ite": "follower named by opponents",
    "ik": "-ic or -ik",
    "ian": "of a person",
    "ic": "-ic or -ik",
    "ical": "adjective in -ical",
    "al": "adjective in -al",
    "ive": "adjective in -ive",
    "ity": "quality",
    "ion": "act",
    "ment": "result",
    "ed": "past",
    "ing": "ongoing",
    "er": "agent",
    "or": "agent",
}
# A shorter stem makes coincidences of short words (“red”, “rer”) instead of words of one family.
_MIN_STEM = 3

# A number outside the tolerance but within `close_band` of the answer earns this share of the mark.
CLOSE_NUMBER_CREDIT = 0.5

_TRUE_WORDS = frozenset({"true", "t", "yes", "y"})
_FALSE_WORDS = frozenset({"false", "f", "no", "n"})


@dataclass(frozen=True)
class Grade:
    correct: bool
    score: float  # 0..1, a quiz question's fraction; partial credit is described in the module docstring.
    expected: str  # The canonical answer to show.
    given: str  # What the learner answered, as text to show.
    note: str  # A short explanation, or "" when the answer is plainly right or plainly wrong.
    diff: list[DiffSegment] = field(default_factory=list)  # See the module docstring; empty for choice kinds.
    exact: bool = False  # The response matched an answer after normalising (for numbers: the same value).

    @property
    def shows_difference(self) -> bool:
        """Whether the diff is worth showing: the answer wasn't an exact match and the diff marks something."""
        return not self.exact and any(tag != "equal" for tag, _ in self.diff)


# --- normalising text ------------------------------------------------------------------------------------------


def _strip_punctuation(text: str) -> str:
    """Delete or blank out punctuation, keeping what changes a number's value."""
    out: list[str] = []
    for index, char in enumerate(text):
        if not unicodedata.category(char).startswith("P"):
            out.append(char)
            continue
        before = text[index - 1] if index > 0 else ""
        after = text[index + 1] if index + 1 < len(text) else ""
        if char == "." and before.isdigit() and after.isdigit():
            out.append(char)  # A decimal point: 3.5 is not 35.
        elif char == "-" and after.isdigit() and not before.isalnum():
            out.append(char)  # A minus sign: -40 is not 40.
        elif char in "'." or (char == "," and before.isdigit() and after.isdigit()):
            continue  # Inside a word or number: Lenin's → lenins, U.S.S.R. → ussr, 1,923 → 1923.
        else:
            out.append(" ")  # Between words: Brest-Litovsk → brest litovsk, “Trotsky” → trotsky.
    return "".join(out)


def _normalised_words(text: str) -> list[str]:
    """The words of text, folded as `normalise` does, but with any articles kept."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(char for char in folded if not unicodedata.combining(char)).translate(_PLAIN)
    words = _strip_punctuation(folded).split()
    # If the text was nothing but punctuation (an answer of “?”), comparing nothing with nothing would accept any
    # punctuation-only response, so such a text keeps its characters instead.
    return words or folded.split()


def normalise(text: str) -> str:
    """Fold text for comparison: case, accents, quotes, dashes, punctuation, a leading article and spacing."""
    words = _normalised_words(_INVERTED_ARTICLE.sub("", text.casefold()) or text)
    # One leading article goes (“the New Economic Policy”), but never the only word, so an answer “A” survives.
    if len(words) > 1 and words[0] in ARTICLES:
        words = words[1:]
    return " ".join(words)


def typo_allowance(length: int) -> int:
    """How many edits (OSA distance) to forgive in an answer whose normalised form has this many characters.

    Short answers get none, because one edit turns one short word into another (“Kun” is not “Kin”); longer
    answers get about one edit per eight characters, capped at three so long phrases can't drift into others.
    """
    if length <= 3:
        return 0
    if length <= 7:
        return 1
    if length <= 15:
        return 2
    return 3


# --- diffs and notes -------------------------------------------------------------------------------------------


def _diff(given: str, expected: str) -> list[DiffSegment]:
    """Segments marking how the normalised response differs from the normalised answer (see module docstring)."""
    if not given or not expected or Levenshtein.normalized_similarity(given, expected) < _MIN_SIMILARITY_FOR_CHAR_DIFF:
        return [(tag, text) for tag, text in (("delete", given), ("insert", expected)) if text]
    segments: list[DiffSegment] = []
    for opcode in Levenshtein.opcodes(given, expected):
        typed = given[opcode.src_start : opcode.src_end]
        wanted = expected[opcode.dest_start : opcode.dest_end]
        if opcode.tag == "equal":
            segments.append(("equal", typed))
            continue
        if typed:
            segments.append(("delete", typed))
        if wanted:
            segments.append(("insert", wanted))
    return segments


def _trim_punctuation(chunk: str) -> str:
    start, end = 0, len(chunk)
    while start < end and unicodedata.category(chunk[start]).startswith("P"):
        start += 1
    while end > start and unicodedata.category(chunk[end - 1]).startswith("P"):
        end -= 1
    return chunk[start:end]


def _display_word(word: str, original: str) -> str:
    """The learner's or author's own spelling of a normalised word (“Zinóviev”, not “zinoviev”), for a note."""
    for chunk in original.split():
        if _normalised_words(chunk) == [word]:
            return _trim_punctuation(chunk)
    return word


def _typo_pairs(response: str, candidate: str) -> list[tuple[str, str]]:
    """The (typed, expected) words that differ, or the whole texts when the words don't line up one for one."""
    typed_words = normalise(response).split()
    wanted_words = normalise(candidate).split()
    if len(typed_words) != len(wanted_words):
        return [(response.strip(), candidate.strip())]
    return [
        (_display_word(typed, response), _display_word(wanted, candidate))
        for typed, wanted in zip(typed_words, wanted_words, strict=True)
        if typed != wanted
    ]


def _readings(word: str) -> set[tuple[str, str]]:
    """The ways to read a normalised word as (stem, ending's meaning), "" meaning no ending.

    A word is always its own stem with no ending, and so is the word without a plural -s (Bolsheviks is
    Bolshevik). A silent final -e dropped before an ending (collective, collectivity) is not read through: that
    would refuse dropped last letters (“Unite” for “United”), which are slips far more often than a word swap.
    """
    readings = {(word, "")}
    if word.endswith("s"):
        readings.add((word[:-1], ""))
    for ending, meaning in _ENDINGS.items():
        for suffix in (ending, ending + "s"):
            if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
                readings.add((word[: -len(suffix)], meaning))
    return readings


def _other_word(typed: str, candidate: str) -> tuple[str, str] | None:
    """The first (typed, expected) pair of normalised words that share a stem but not an ending, if any.

    “stalinist” and “stalinism” are both “stalin” with different endings; “nation” and “national” are “nation”
    with none and with one. The texts are compared word for word, so only when they have as many words.
    """
    typed_words, wanted_words = typed.split(), candidate.split()
    if len(typed_words) != len(wanted_words):
        return None
    for typed_word, wanted_word in zip(typed_words, wanted_words, strict=True):
        if typed_word == wanted_word:
            continue
        wanted = _readings(wanted_word)
        for stem, meaning in _readings(typed_word):
            if any(stem == other_stem and meaning != other_meaning for other_stem, other_meaning in wanted):
                return typed_word, wanted_word
    return None


def _typo_note(response: str, candidate: str) -> str:
    pairs = ", ".join(f"“{typed}” → “{wanted}”" for typed, wanted in _typo_pairs(response, candidate))
    return f"Accepted: a small typo was forgiven ({pairs})."


# --- typed answers ---------------------------------------------------------------------------------------------


def grade_text(response: str, *, answer: str, accepted: Sequence[str] = ()) -> Grade:
    """Grade a typed answer (typed, cloze, basic and reversed items) against the answer and accepted answers."""
    if isinstance(accepted, str):
        # A lone string would be read as a list of single characters, each one an accepted answer.
        raise TypeError("accepted must be a sequence of answers, not a single string")
    if not answer.strip():
        raise ValueError("The item has no answer to grade against.")
    given = response.strip()
    typed = normalise(response)
    expected = normalise(answer)
    # The canonical answer comes first, so ties and exact matches are reported against it.
    candidates = [(answer, expected)] + [(text, normalise(text)) for text in accepted if text.strip()]

    def grade(correct: bool, note: str, against: str, *, exact: bool = False) -> Grade:
        score = 1.0 if correct else 0.0
        return Grade(correct, score, answer.strip(), given, note, _diff(typed, against), exact=exact)

    if not typed:
        return grade(False, "", expected)
    for index, (_, candidate) in enumerate(candidates):
        if typed == candidate:
            return grade(True, "" if index == 0 else "Accepted answer.", candidate, exact=True)

    # Of the answers close enough to forgive, the closest wins; on a tie, the earlier (the canonical one first).
    best: tuple[int, int] | None = None
    other_word = ""  # The note for the first answer within the allowance but refused for its ending.
    for index, (text, candidate) in enumerate(candidates):
        if _DIGITS.findall(typed) != _DIGITS.findall(candidate):
            continue  # Different numbers are a wrong fact, never a typo.
        distance = OSA.distance(typed, candidate)
        if distance > typo_allowance(len(candidate)) or (best is not None and distance >= best[0]):
            continue
        words = _other_word(typed, candidate)
        if words is not None:  # Another word of the same family is a wrong word, never a typo.
            if not other_word:
                typed_word, wanted_word = _display_word(words[0], response), _display_word(words[1], text)
                other_word = f"Not accepted as a typo: “{typed_word}” is a different word from “{wanted_word}”."
            continue
        best = (distance, index)
    if best is None:
        return grade(False, other_word, expected)
    text, candidate = candidates[best[1]]
    return grade(True, _typo_note(response, text), candidate)


def _format_number(value: Decimal) -> str:
    """A Decimal without exponent or trailing zeros: Decimal("2.00") → "2", Decimal("1E+3") → "1000".

    A number beyond the bounds of `parse_number` keeps its exponent (“1E+999999999”): normalising it would raise
    decimal.Overflow, and writing it out in digits would take a gigabyte.
    """
    if not value:
        return "0"  # Also "-0" and 0E-999999999.
    if parse_number(str(value)) is None:
        return str(value)
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _read_number(response: str) -> tuple[Decimal | None, str]:
    """The one number in a response and "", or None and a note saying why no number can be read from it."""
    text = response.translate(_PLAIN)  # A typographic minus (−40) is a minus sign.
    runs = list(_NUMBER.finditer(text))
    leftover = _NUMBER.sub(" ", text)
    if any(char.isnumeric() for char in leftover) or any(not _PLAIN_NUMBER.fullmatch(run[0]) for run in runs):
        # Digits the pattern did not take (“3½”, “10²”, “1_000”) or a run that is not one number (“3,5”, “1.2.3”):
        # reading part of them would grade a number the learner did not mean.
        return None, "Write the number in digits, like 1923 or 3.5."
    if not runs:
        return None, "Answer with a number."
    if len(runs) > 1:
        return None, f"Answer with one number, not several ({', '.join(run[0] for run in runs)})."
    if _SIGN_WORDS.intersection(_normalised_words(text)):
        return None, "Write a negative number or a year BC with a minus sign, like -40."
    value = parse_number(runs[0][0])
    if value is None:
        return None, "That is not a number we can compare: it is too large or has too many decimal places."
    return value, ""


def grade_number(response: str, *, answer: str, tolerance: Decimal) -> Grade:
    """Grade a number or year: right if it is within tolerance of the answer (inclusive).

    The response may carry a unit, a percent sign or words as long as it holds exactly one number (see the module
    docstring); `given` is the learner's text, `diff` compares the number read with the answer.
    """
    target = parse_number(answer)
    if target is None:
        raise ValueError(f"The item's answer {answer!r} is not a number.")
    if tolerance < 0:
        raise ValueError("The tolerance can't be below zero.")
    given = response.strip()
    expected = _format_number(target)
    value, refusal = _read_number(response)
    if value is None:
        return Grade(False, 0.0, answer.strip(), given, refusal, _diff(normalise(given), expected))
    shown = _format_number(value)
    diff = _diff(shown, expected)
    if value == target:
        return Grade(True, 1.0, answer.strip(), given, "", diff, exact=True)
    off_by = abs(value - target)
    if off_by <= tolerance:
        note = f"Within the tolerance of ±{_format_number(tolerance)}." if tolerance else ""
        return Grade(True, 1.0, answer.strip(), given, note, diff)
    band = close_band(target, tolerance)
    if off_by <= band:
        note = f"Close (within ±{_format_number(band)}), but not right."
        return Grade(False, CLOSE_NUMBER_CREDIT, answer.strip(), given, note, diff)
    note = f"Not within the tolerance of ±{_format_number(tolerance)}." if tolerance else ""
    return Grade(False, 0.0, answer.strip(), given, note, diff)


def close_band(target: Decimal, tolerance: Decimal) -> Decimal:
    """How far off a number may be and still earn `CLOSE_NUMBER_CREDIT`: twice the tolerance, or, with none, one unit
    in the answer's last written place (1924 for 1923, 3.4 for 3.5) — Moodle's second, lower-graded numerical answer."""
    if tolerance:
        return 2 * tolerance
    return Decimal(1).scaleb(min(target.normalize().as_tuple().exponent, 0))


def _parse_truth(text: str) -> bool | None:
    word = text.strip().casefold()
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    return None


def grade_true_false(response: str, *, answer: str) -> Grade:
    """Grade a true/false item; the response may be True/False, T/F or Yes/No in any case."""
    truth = _parse_truth(answer)
    if truth is None:
        raise ValueError(f"A true/false item's answer is True or False, not {answer!r}.")
    expected = "True" if truth else "False"
    given = response.strip()
    said = _parse_truth(response)
    if said is None:
        return Grade(False, 0.0, expected, given, "Answer True or False.")
    correct = said == truth
    return Grade(correct, 1.0 if correct else 0.0, expected, "True" if said else "False", "")


# --- choices and order -----------------------------------------------------------------------------------------


def grade_choices(selected: Sequence[int], *, choices: Sequence[tuple[int, str, bool]]) -> Grade:
    """Grade a multiple-choice answer given as the ids of the selected choices.

    Right only if exactly the correct choices are selected. The score is (correct picks - wrong picks) / number of
    correct choices, at least 0, so ticking every box earns nothing; with one correct choice it is 1 or 0.
    Selecting an id twice counts once.
    """
    ids = [choice_id for choice_id, _, _ in choices]
    if len(set(ids)) != len(ids):
        raise ValueError("Two choices have the same id.")
    unknown = set(selected) - set(ids)
    if unknown:
        raise ValueError(f"Unknown choice ids: {sorted(unknown)}.")
    right = {choice_id for choice_id, _, is_correct in choices if is_correct}
    if not right:
        raise ValueError("No choice is marked correct.")
    picked = set(selected)
    hits, wrong = len(picked & right), len(picked - right)
    correct = picked == right
    score = 1.0 if correct else max(0.0, (hits - wrong) / len(right))
    # Both texts follow the item's order of choices, as `derived_answer` does, so they read alike.
    expected = "; ".join(text for choice_id, text, _ in choices if choice_id in right)
    given = "; ".join(text for choice_id, text, _ in choices if choice_id in picked)
    note = ""
    if len(right) > 1 and not correct and picked:
        note = f"{hits} of {len(right)} right choices picked" + (f", {wrong} wrong." if wrong else ".")
    return Grade(correct, score, expected, given, note)


def grade_order(order: Sequence[int], *, events: Sequence[tuple[int, str, int]]) -> Grade:
    """Grade a chronology answer given as the event ids in the learner's order.

    The score is Moodle's ordering question's "longest ordered subset": the length of the longest run of events
    (not necessarily adjacent) that the learner put in the right relative order, over the number of events. A
    subset of one event is no order at all and scores 0, so a reversed list scores 0 as in Moodle.
    """
    if not events:
        raise ValueError("A chronology item needs events.")
    keys = {event_id: sort_key for event_id, _, sort_key in events}
    texts = {event_id: text for event_id, text, _ in events}
    if len(keys) != len(events):
        raise ValueError("Two events have the same id.")
    if len(set(keys.values())) != len(keys):
        raise ValueError("Two events have the same sort key, so their order is ambiguous.")
    if len(order) != len(keys) or set(order) != set(keys):
        raise ValueError("The order must list each event id exactly once.")
    ranks = [keys[event_id] for event_id in order]
    longest = _longest_increasing_run(ranks)
    correct = longest == len(ranks)
    in_order = longest if longest >= 2 or correct else 0
    score = in_order / len(ranks)
    expected = " → ".join(texts[event_id] for event_id in sorted(keys, key=keys.__getitem__))
    given = " → ".join(texts[event_id] for event_id in order)
    note = "" if correct or in_order == 0 else f"{in_order} of {len(ranks)} events in the right order."
    return Grade(correct, score, expected, given, note)


def _longest_increasing_run(values: Sequence[int]) -> int:
    """The length of the longest strictly increasing subsequence (patience sorting, O(n log n))."""
    tails: list[int] = []
    for value in values:
        place = bisect.bisect_left(tails, value)
        tails[place : place + 1] = [value]
    return len(tails)
