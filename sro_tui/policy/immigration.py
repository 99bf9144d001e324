"""The forbidden-data detector: free text that records immigration or citizenship status or place
of birth is stopped before it is stored (RCW 10.93.160; Policy 4311, "Law Enforcement Activity and
Immigration Enforcement").

Pure: no database, no UI. Part of the policy module (`sro_tui.policy` re-exports it).

How it decides, in plain words:
- Words that only ever mean immigration status ("undocumented immigrant", "green card", "DACA",
  "deported", "indocumentado", "sin papeles") are caught wherever they appear.
- Words with innocent school meanings are caught only with the words around them that make them
  about status: "asked whether he is a citizen" is caught; "good citizenship award", "digital
  citizenship", "citizen of the month" are not. "ICE" is caught in capitals or beside "agent",
  "raid", "called"...; "ice pack" and "ice on the sidewalk" are not. "born in Mexico" is caught;
  "born in March", "born in 2010" and "born on 3/4/2011" are not.
- "place of birth" / "country of origin" is caught even with no value after it: such a category has
  no place in these records, so there is nothing legitimate to write there.
Matching ignores case and accents ("CIUDADANÍA" = "ciudadania") and uses word boundaries ("nice"
never matches "ice").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sro_tui.policy.immigration_words import (
    ALWAYS,
    CITIZENSHIP_STATUS,
    IMMIGRATION_AUTHORITIES,
    IMMIGRATION_STATUS,
    PLACE_OF_BIRTH,
    STEMS,
)

IMMIGRATION_CITATION = (
    "RCW 10.93.160; Policy 4311 (Law Enforcement Activity and Immigration Enforcement)"
)
IMMIGRATION_POLICY_WORDS = (
    "The SRO duties do not extend to immigration enforcement and the SRO will not inquire into or "
    "collect information about an individual’s immigration or citizenship status, or place of "
    "birth."
)


# Field or column names that would hold forbidden data (folded: lower case, no separators).
_FORBIDDEN_FIELD_WORDS = (
    "immigration",
    "citizenship",
    "citizen",
    "placeofbirth",
    "birthplace",
    "countryofbirth",
    "stateofbirth",
    "cityofbirth",
    "countryoforigin",
    "nationality",
    "visastatus",
    "alienregistration",
    "ofbirthcode",
)


@dataclass(frozen=True, slots=True)
class ImmigrationMatch:
    """One stretch of text that records forbidden information.

    `span` indexes the original text (text[span[0]:span[1]] == phrase); `reason` names what it
    records (immigration status, citizenship status, place of birth, contact with federal
    immigration authorities)."""

    span: tuple[int, int]
    phrase: str
    reason: str


def forbidden_field_names(names: list[str] | tuple[str, ...]) -> list[str]:
    """The names (model fields, CSV headers, form fields) that would hold immigration or
    citizenship status or place of birth, e.g. "countryOfBirthCode", "place_of_birth"."""
    found = []
    for name in names:
        squashed = re.sub(r"[^a-z]", "", name.casefold())
        if any(word in squashed for word in _FORBIDDEN_FIELD_WORDS):
            found.append(name)
    return found


# --- folding that keeps positions -------------------------------------------------------------


def _fold_with_positions(text: str) -> tuple[str, list[int] | None]:
    """Lower-case, accent-free text, and for each folded character the index of the original
    character it came from (None when the two line up one to one, the common ASCII case)."""
    if text.isascii():
        return text.lower().replace("`", "'"), None
    table = {}
    for char in set(text):
        folded = _fold_char(char)
        if len(folded) != 1:
            break  # a character that vanishes or splits: positions must be mapped one by one
        table[ord(char)] = folded
    else:
        return text.translate(table), None
    out: list[str] = []
    positions: list[int] = []
    for index, char in enumerate(text):
        folded = _fold_char(char)
        if len(folded) == 1:
            out.append(folded)
            positions.append(index)
        else:
            for piece in folded:
                out.append(piece)
                positions.append(index)
    return "".join(out), positions


# Folded form of each character seen so far (bounded: the alphabet of the school's languages).
_FOLDED_CHARS: dict[str, str] = {chr(c): chr(c).lower() for c in range(128)}
_FOLDED_CHARS.update({"`": "'", "’": "'", "ʼ": "'", "´": "'", "‘": "'"})


def _fold_char(char: str) -> str:
    folded = _FOLDED_CHARS.get(char)
    if folded is None:
        decomposed = unicodedata.normalize("NFKD", char)
        folded = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
        if len(_FOLDED_CHARS) < 10_000:
            _FOLDED_CHARS[char] = folded
    return folded


# --- the patterns -----------------------------------------------------------------------------

_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|"
    "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|"
    "diciembre"
)
# After "born in/at" (or "nació en"): a time, not a place.
_BORN_WHEN = re.compile(
    rf"\s*(?:(?:the\s+)?(?:{_MONTHS}|spring|summer|fall|autumn|winter|same|early|late|mid|middle|"
    r"year|month|week|morning|afternoon|evening|night|middle of the night|primavera|verano|otono|"
    r"invierno)\b|['\d])"
)


def _stems_in(pattern: str) -> frozenset[str]:
    stems = frozenset(stem for stem in STEMS if stem in pattern)
    if not stems:
        raise ValueError(f"pattern without a stem: {pattern}")
    return stems


# Compiled when a text first holds one of a pattern's stems: compiling all of them took ~40 ms of
# every start of the app (the dashboard's counts import this module and never check a text).
_ALWAYS_BY_STEMS = [(reason, _stems_in(pattern), pattern) for reason, pattern in ALWAYS]
_COMPILED: dict[str, re.Pattern[str]] = {}


def _compiled(pattern: str) -> re.Pattern[str]:
    compiled = _COMPILED.get(pattern)
    if compiled is None:
        compiled = _COMPILED[pattern] = re.compile(pattern)
    return compiled


# "born in/at/abroad..." and "nació en": caught unless what follows is a time.
_BORN = re.compile(
    r"\bborn\s+(?:in|at|outside(?:\s+of)?|abroad|overseas|here|there|elsewhere)\b|"
    r"\bnaci(?:o|do|da|dos|das)\s+en\b"
)

# "green card": a behaviour-chart colour in many classrooms, so not when the chart is nearby.
_GREEN_CARD = re.compile(r"\bgreen\s?cards?\b")
_BEHAVIOUR_CHART = re.compile(
    r"\b(?:yellow|red|blue|orange|purple)\s+cards?\b|\bbehaviou?r\b|\bchart\b|\bclip\b"
)

_TITLE_BEFORE = re.compile(r"\b(?:mr|ms|mrs|dr|miss|coach)\.?\s+$")
_NEXT_WORD = re.compile(r"\s+(?:the\s+)?[^\s.,;:!?]+")

# "citizen(s)" / "citizenship": decided by the words around it.
_CITIZEN = re.compile(r"\bcitizen(?:s|ship)?\b")
_CITIZEN_INNOCENT_NEXT = re.compile(
    r"\s*(?:of\s+the\s+(?:month|week|year|quarter|day)|awards?|class(?:es)?|lessons?|units?|"
    r"grades?|skills?|curriculum|program|assembly|week|month|science|scientists?|council|"
    r"committee|projects?|education|activit(?:y|ies)|certificate|recognition|traits?|character|"
    r"points?|ribbon|club|pledge|survey|academy|police\s+academy|advisory|volunteers?|patrol|"
    r"journalism)\b"
)
_CITIZEN_INNOCENT_BEFORE = frozenset(
    "good great model responsible digital global senior fellow better best kind helpful positive "
    "caring respectful productive active engaged upstanding exemplary classroom school community "
    "world corporate private ordinary concerned outstanding excellent young future informed "
    "ethical contributing caring law-abiding abiding".split()
)
_STATUS_WORDS_BEFORE = frozenset(
    "whether if is are was were isn't aren't wasn't weren't not be being become became becomes "
    "becoming proof his her their your".split()
)
_NATIONALITY_WORD = re.compile(r"(?:an|ese|ish|i)$")
_NOT_NATIONALITY = frozenset("an than can man woman human urban i ii fish wish dish".split())

# "ICE" in capitals, when the text around it is not all shouting.
_ICE_CAPITALS = re.compile(r"(?<![\w.])(?:ICE|I\.C\.E\.?)(?![\w])")
_KNOWN_ACRONYMS = frozenset("SRO US USA CBP DHS ICE OK ID IEP".split())
_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")


def _previous_words(folded: str, position: int, count: int) -> list[str]:
    words = re.findall(r"[a-z0-9'.-]+", folded[max(0, position - 80) : position])
    return [w.strip(".") for w in words[-count:]]


def _citizen_matches(folded: str) -> list[tuple[int, int, str]]:
    found = []
    for match in _CITIZEN.finditer(folded):
        start, end = match.span()
        if _CITIZEN_INNOCENT_NEXT.match(folded, end):
            continue
        before = _previous_words(folded, start, 6)
        previous = before[-1] if before else ""
        if previous in ("a", "an") and len(before) >= 2:
            previous = before[-2]
        if previous in _CITIZEN_INNOCENT_BEFORE:
            continue
        nationality = previous in ("us", "u.s", "u s", "s", "states") or (
            len(previous) > 3
            and previous not in _NOT_NATIONALITY
            and previous not in _STATUS_WORDS_BEFORE
            and _NATIONALITY_WORD.search(previous) is not None
        )
        status_question = any(word in _STATUS_WORDS_BEFORE for word in before[-5:])
        if nationality:
            start = folded.rfind(previous, max(0, start - 80), start)
        elif status_question:
            first = next(word for word in before[-5:] if word in _STATUS_WORDS_BEFORE)
            start = folded.rfind(first, max(0, start - 80), start)
        else:
            continue
        found.append((start, end, CITIZENSHIP_STATUS))
    return found


def _green_card_matches(folded: str) -> list[tuple[int, int, str]]:
    found = []
    for match in _GREEN_CARD.finditer(folded):
        window = folded[max(0, match.start() - 80) : match.end() + 80]
        if not _BEHAVIOUR_CHART.search(window):
            found.append((match.start(), match.end(), IMMIGRATION_STATUS))
    return found


def _ice_capital_matches(text: str) -> list[tuple[int, int, str]]:
    found = []
    for match in _ICE_CAPITALS.finditer(text):
        start, end = match.span()
        around = _WORD.findall(text[max(0, start - 40) : start])[-3:]
        around += _WORD.findall(text[end : end + 40])[:3]
        shouted = [w for w in around if len(w) >= 2 and w.isupper() and w not in _KNOWN_ACRONYMS]
        # "PUT ICE ON THE BRUISE": all capitals, so "ICE" is just ice.
        if len(shouted) >= 2:
            continue
        found.append((start, end, IMMIGRATION_AUTHORITIES))
    return found


def find_immigration_content(text: str) -> list[ImmigrationMatch]:
    """Every stretch of `text` that records or asks about immigration or citizenship status or
    place of birth, in order of position. An empty list means the text may be stored."""
    if not text:
        return []
    folded, positions = _fold_with_positions(text)
    raw: list[tuple[int, int, str]] = []
    present = {stem for stem in STEMS if stem in folded}
    for reason, stems, pattern in _ALWAYS_BY_STEMS:
        if stems & present:
            raw.extend((m.start(), m.end(), reason) for m in _compiled(pattern).finditer(folded))
    for match in _BORN.finditer(folded) if ("born" in present or "naci" in folded) else ():
        before = folded[max(0, match.start() - 8) : match.start()]
        if _BORN_WHEN.match(folded, match.end()) or _TITLE_BEFORE.search(before):
            continue  # a time ("born in March") or a surname ("Ms. Born in Room 5")
        # Show the place too ("born in Mexico"), when one follows.
        place = _NEXT_WORD.match(folded, match.end())
        names_place = match.group().endswith(("in", "at", "en"))
        end = place.end() if place and names_place else match.end()
        raw.append((match.start(), end, PLACE_OF_BIRTH))
    if "citizen" in present:
        raw.extend(_citizen_matches(folded))
    if "green" in folded:
        raw.extend(_green_card_matches(folded))

    spans: list[tuple[int, int, str]] = []
    for start, end, reason in raw:
        if positions is not None:
            start, end = positions[start], positions[end - 1] + 1
        spans.append((start, end, reason))
    if "ICE" in text or "I.C.E" in text:
        spans.extend(_ice_capital_matches(text))

    # Overlapping matches describe one phrase: merge them, keeping the first one's reason.
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    merged: list[list] = []
    for start, end, reason in spans:
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end, reason])
    matches = [
        ImmigrationMatch((start, end), text[start:end], reason) for start, end, reason in merged
    ]
    return matches


def immigration_message(match: ImmigrationMatch) -> str:
    """The words shown when a match stops a save: what was found and the rule it breaks."""
    return (
        f"“{match.phrase}” records {match.reason}. {IMMIGRATION_POLICY_WORDS} "
        "(Policy 4311; RCW 10.93.160.) Remove it before saving; describe the behaviour and the "
        "facts of the incident instead."
    )


def immigration_problems(
    values: Mapping[str, object], names: Iterable[str], advice: str = ""
) -> dict[str, str]:
    """For a record about to be saved: each of the fields `names` whose text in `values` records
    immigration or citizenship status or place of birth, with the message that says so (and
    `advice` after it). Empty when every field may be stored. Every free-text field of every
    record goes through this (or through `check_request`) before it is written."""
    problems = {}
    for name in names:
        matches = find_immigration_content(str(values.get(name) or ""))
        if matches:
            problems[name] = immigration_message(matches[0]) + (f" {advice}" if advice else "")
    return problems
