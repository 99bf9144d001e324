"""Splitting a guardian's full name ("Mai Van der Berg") into first and last name, with the
student's family name in mind, and spotting names damaged before the file reached us.

The rules (also in docs/roster-import.md):
1. "Last, First" (a comma) is split at the comma.
2. When the name ends with the student's family name, the last name is that family name and the
   first name what comes before: "Mai Van der Berg" for a student "Van der Berg" gives "Mai" +
   "Van der Berg", never "Mai Van der" + "Berg". When it *starts* with it ("Nguyễn Thị Lan" for a
   student "Nguyễn Thị"), the family name is first, as in Vietnamese, Chinese or Korean order.
3. Surname particles (van, der, de, la, del, da, von, bin, al…) stay with the surname: a split
   never leaves them at the end of the first name.
4. A suffix (Jr., Sr., II, III, IV) stays at the end of the last name.
5. A common Korean family name followed by a hyphenated given name ("Park Ji-ho") is family
   name first. Otherwise two words are first + last ("Ana Núñez"), and one word, or three and
   more words none of which is the student's family name, are kept whole (as the last name, so
   the household's label still reads right): "Ana María García López" could be cut in two
   places, so it is not cut.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sro_tui.search import fold

PARTICLES = frozenset(
    {
        "van",
        "von",
        "der",
        "den",
        "de",
        "del",
        "della",
        "di",
        "da",
        "das",
        "do",
        "dos",
        "du",
        "la",
        "le",
        "lo",
        "los",
        "las",
        "y",
        "bin",
        "binti",
        "ibn",
        "al",
        "el",
        "ter",
        "ten",
        "st",
        "mac",
        "abu",
    }
)


SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})


def _words(text: str) -> list[str]:
    return text.split()


def _folded(words: list[str]) -> list[str]:
    return [fold(w).strip(".") for w in words]


def split_full_name(full: str, family_names: tuple[str, ...] = ()) -> tuple[str, str]:
    """(first name, last name) of a guardian's full name; see the module's rules. A name that
    cannot be split sensibly comes back whole as the last name, with an empty first name."""
    full = " ".join(full.split())
    if not full:
        return "", ""
    if "," in full:
        last, _, first = full.partition(",")
        return first.strip(), last.strip()
    words = _words(full)
    suffix: list[str] = []
    while len(words) > 2 and fold(words[-1]).strip(".") in SUFFIXES:
        suffix.insert(0, words.pop())  # "Robert Whitehorse Sr.": the suffix stays with the surname
    if suffix:
        first, last = split_full_name(" ".join(words), family_names)
        return first, " ".join([last, *suffix])
    folded = _folded(words)
    for family in sorted({f for f in family_names if f.strip()}, key=len, reverse=True):
        fam = _folded(_words(family))
        n = len(fam)
        if n >= len(words):
            continue
        if folded[-n:] == fam:
            return _move_particles(words[:-n], words[-n:])
        if folded[:n] == fam:
            return " ".join(words[n:]), " ".join(words[:n])
    if len(words) == 1:
        return "", full
    if len(words) == 2:
        if folded[0] in KOREAN_FAMILY_NAMES and _KOREAN_GIVEN.match(words[1]):
            return words[1], words[0]  # 'Park Ji-ho': family name first
        return words[0], words[1]
    # A particle starts the surname: "Maria de la Cruz" -> "Maria" + "de la Cruz".
    for i in range(1, len(words) - 1):
        if folded[i] in PARTICLES:
            return " ".join(words[:i]), " ".join(words[i:])
    return "", full


def without_suffix(last_name: str) -> str:
    """'Whitehorse Sr.' -> 'Whitehorse': the family name without Jr., Sr., II…"""
    words = last_name.split()
    while len(words) > 1 and fold(words[-1]).strip(".") in SUFFIXES:
        words.pop()
    return " ".join(words)


# The most common Korean family names, as romanised in US school records. A two-word name that
# starts with one and ends with a hyphenated given name ('Park Ji-ho') is in Korean order.
KOREAN_FAMILY_NAMES = frozenset(
    "kim lee yi park pak choi choe jung jeong kang cho jo yoon yun jang chang lim im han oh seo "
    "shin kwon hwang ahn an song yoo yu hong jeon ko moon nam bae baek".split()
)
_KOREAN_GIVEN = re.compile(r"^[A-Z][a-z]+-[a-z]+$")


def _move_particles(first: list[str], last: list[str]) -> tuple[str, str]:
    """'Mai Van der' + 'Berg' -> 'Mai' + 'Van der Berg': particles belong to the surname."""
    first, last = list(first), list(last)
    while len(first) > 1 and fold(first[-1]).strip(".") in PARTICLES:
        last.insert(0, first.pop())
    return " ".join(first), " ".join(last)


# --- several people, or a role, in one name cell ----------------------------------------------

_LABEL = re.compile(r"^\s*([A-Za-z][A-Za-z /-]{1,30}?)\s*:\s*(\S.*)$")
_BETWEEN_PEOPLE = re.compile(r"\s*(?:/|;|\+)\s*")
_AND = re.compile(r"\s+(?:&|and)\s+", re.IGNORECASE)
TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr"})


@dataclass(frozen=True)
class NameCell:
    """What one guardian-name cell holds: the people's full names (usually one), the role
    written in front of them ('Grandparent: Susan Lee'), and whether it names a couple by
    title only ('Mr. and Mrs. Brooks', kept whole: there are no first names to split)."""

    names: tuple[str, ...]
    role: str = ""
    titles_only: bool = False


def read_name_cell(cell: str) -> NameCell:
    """'Mary & Tom Ward' -> Mary Ward, Tom Ward; 'Mary O'Neil / Tom O'Neil' -> both;
    'Grandparent: Susan Lee' -> Susan Lee with the role Grandparent; anything else: itself."""
    text = " ".join(cell.split())
    role = ""
    labelled = _LABEL.match(text)
    if labelled:
        role, text = labelled.group(1).strip(), labelled.group(2).strip()
    parts = [p for p in _BETWEEN_PEOPLE.split(text) if p]
    if len(parts) > 1 and any(len(p.split()) < 2 for p in parts):
        parts = [text]  # 'Mary Hall/Smith': one person with a double surname
    if len(parts) == 1:
        parts = [p for p in _AND.split(text) if p]
        if len(parts) == 2 and _is_title(parts[0]):
            return NameCell((text,), role, titles_only=True)
        if len(parts) == 2 and len(parts[0].split()) == 1 and len(parts[1].split()) >= 2:
            # 'Mary & Tom Ward': Mary shares the surname written once, at the end
            first, last = split_full_name(parts[1])
            surname = last if first else parts[1].split()[-1]
            parts = [f"{parts[0]} {surname}", parts[1]]
        elif len(parts) != 2 or any(len(p.split()) < 2 for p in parts):
            parts = [text]  # 'Tom and' or 'Ann and Bo': not two whole names
    return NameCell(tuple(parts), role)


def _is_title(word: str) -> bool:
    return fold(word).strip(".") in TITLES


# --- damaged text ------------------------------------------------------------------------------

# '?' between letters (a code page had no such letter), the Unicode replacement character, and
# UTF-8 read as Windows-1252 ('JosÃ©', 'â€™').
_QUESTION_IN_WORD = re.compile(r"\w\?|\?\w")
_MOJIBAKE = re.compile(
    "[ÃÂ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u02c6\u2013-\u203a\u20ac\u2122]|â€"
)


def damage_in(text: str) -> str:
    """Why a name looks damaged ('' when it does not): letters replaced by '?' or U+FFFD, or
    UTF-8 read as another code page. Such damage cannot be repaired safely, only named."""
    if "?" not in text and text.isascii():
        return ""  # the common case, without a regular expression
    if "\ufffd" in text:
        return "holds the replacement character \ufffd where a letter was"
    if _QUESTION_IN_WORD.search(text):
        return "holds '?' where a letter was"
    if _MOJIBAKE.search(text):
        return "looks like UTF-8 read as Windows-1252 (e.g. 'Ã©' for 'é')"
    return ""
