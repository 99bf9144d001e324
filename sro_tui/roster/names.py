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
5. Otherwise two words are first + last ("Ana Núñez"), and one word, or three and more words none
   of which is the student's family name, are kept whole (as the last name, so the household's
   label still reads right): "Ana María García López" could be cut in two places, so it is not cut.
"""

from __future__ import annotations

import re

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
        return words[0], words[1]
    # A particle starts the surname: "Maria de la Cruz" -> "Maria" + "de la Cruz".
    for i in range(1, len(words) - 1):
        if folded[i] in PARTICLES:
            return " ".join(words[:i]), " ".join(words[i:])
    return "", full


def _move_particles(first: list[str], last: list[str]) -> tuple[str, str]:
    """'Mai Van der' + 'Berg' -> 'Mai' + 'Van der Berg': particles belong to the surname."""
    first, last = list(first), list(last)
    while len(first) > 1 and fold(first[-1]).strip(".") in PARTICLES:
        last.insert(0, first.pop())
    return " ".join(first), " ".join(last)


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
