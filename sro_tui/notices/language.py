"""Which language a household's letter is in, and where the letter templates and their words live.

A family's language as rosters and families write it ('Español', 'es-MX', 'Chuukese') becomes one
code; templates are looked up in the district's folder (setting `notice_template_dir`) and then the
built-in ones, and the words of a language are layered so a district can change a single word.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from sro_tui.models import STAFF_KINDS
from sro_tui.records import get_setting
from sro_tui.search import fold

BUILTIN_TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE_DIR_SETTING = "notice_template_dir"
COMPLAINT_SETTING = "notice_complaint_process"
DEFAULT_LANGUAGE = "en"

LANGUAGE_NAMES = {
    "en": "English",
    "es": "Spanish",
    "vi": "Vietnamese",
    "ru": "Russian",
    "uk": "Ukrainian",
    "zh": "Chinese",
    "so": "Somali",
    "ar": "Arabic",
    "ko": "Korean",
    "tl": "Tagalog",
    "pa": "Punjabi",
    "mh": "Marshallese",
    "am": "Amharic",
    "ti": "Tigrinya",
    "ja": "Japanese",
    "fr": "French",
    "pt": "Portuguese",
    "hi": "Hindi",
    "fa": "Persian",
    "ps": "Pashto",
    "sw": "Swahili",
    "de": "German",
    "ro": "Romanian",
    "km": "Khmer",
    "lo": "Lao",
}
# Names families and rosters use for their language, folded (accents and case ignored) or as
# written for non-Latin scripts.
_OTHER_NAMES = {
    "espanol": "es",
    "castellano": "es",
    "tieng viet": "vi",
    "русский": "ru",
    "українська": "uk",
    "mandarin": "zh",
    "chinese mandarin": "zh",
    "cantonese": "zh",
    "chinese cantonese": "zh",
    "中文": "zh",
    "soomaali": "so",
    "العربية": "ar",
    "한국어": "ko",
    "filipino": "tl",
    "ਪੰਜਾਬੀ": "pa",
    "farsi": "fa",
    "dari": "fa",
    "francais": "fr",
    "portugues": "pt",
    "deutsch": "de",
    "ukranian": "uk",
}
_CODE = re.compile(r"^([a-z]{2,3})(?:[-_][a-z0-9]{2,8})*$")


class LetterError(Exception):
    """Letters cannot be made: a broken template (file and placeholder named) or an unwritable
    folder."""


def language_code(text: str) -> str:
    """'Spanish', 'Español', 'es-MX' -> 'es'; '' for none; an unknown name -> its folded form with
    hyphens ('Chuukese' -> 'chuukese'), which is also the name a district template would use."""
    raw = (text or "").strip()
    if not raw:
        return ""
    lowered = raw.casefold()
    match = _CODE.match(lowered)
    if match and (match.group(1) in LANGUAGE_NAMES or "-" in lowered or "_" in lowered):
        return match.group(1)
    if lowered in _OTHER_NAMES:
        return _OTHER_NAMES[lowered]
    folded = fold(raw)
    for code, name in LANGUAGE_NAMES.items():
        if folded == name.casefold():
            return code
    if folded in _OTHER_NAMES:
        return _OTHER_NAMES[folded]
    if match:  # a code we have no name for ("chk"): keep it
        return match.group(1)
    return folded.replace(" ", "-")


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code.replace("-", " ").title() if code else "English")


def template_dirs(extra: Sequence[Path | str] | None = None) -> list[Path]:
    """Where templates are looked for, first match wins: `extra`, the district's folder (setting
    `notice_template_dir`), then the built-in templates."""
    dirs = [Path(d).expanduser() for d in (extra or ())]
    configured = get_setting(TEMPLATE_DIR_SETTING)
    if configured:
        dirs.append(Path(configured).expanduser())
    dirs.append(BUILTIN_TEMPLATES)
    return dirs


def find_template(code: str, dirs: Sequence[Path] | None = None) -> Path | None:
    for folder in dirs if dirs is not None else template_dirs():
        candidate = folder / f"notice_letter.{code}.txt"
        if code and candidate.is_file():
            return candidate
    return None


def available_languages(dirs: Sequence[Path] | None = None) -> list[str]:
    """Language codes with a letter template, English first."""
    found = set()
    for folder in dirs if dirs is not None else template_dirs():
        if folder.is_dir():
            for path in folder.glob("notice_letter.*.txt"):
                found.add(path.name.removeprefix("notice_letter.").removesuffix(".txt"))
    return sorted(found, key=lambda c: (c != DEFAULT_LANGUAGE, c))


def letter_language(code: str, dirs: Sequence[Path] | None = None) -> str:
    """The language the household's letter is actually in: its own when a template exists,
    else English."""
    return code if code and find_template(code, dirs) else DEFAULT_LANGUAGE


# --- the words a letter fills in ---------------------------------------------------------------
# Staff kinds, grades and the default complaint text are written into the letter by code: each
# language gives its own in `notice_words.<code>.txt` beside its template (`key: value` lines,
# see templates/README.md). English is below; a missing key falls back to it.

ENGLISH_WORDS: dict[str, str] = {
    "grade": "grade {grade}",
    **{f"kind.{kind}": label.lower() for kind, label in STAFF_KINDS.items()},
    "employer.district": "school district staff",
    "employer.law_enforcement_agency": "law enforcement agency",
    "employer.security_company": "security company",
    "no_staff": "(no safety and security staff are on record for this school year)",
    "complaint": (
        "If you have a concern or a complaint about safety and security staff, contact the "
        "principal of {school} by phone, by e-mail or at the school office. The school will look "
        "into every complaint and answer you."
    ),
    "complaint_outside": (
        "You may also file a complaint directly with the agency or company that employs them: "
        "{employers}."
    ),
    "or": "or",
}
_WORD_FIELDS = {"grade": {"grade"}, "complaint": {"school"}, "complaint_outside": {"employers"}}
_FIELD = re.compile(r"\{([^{}]*)\}")


def letter_words(code: str, dirs: Sequence[Path] | None = None) -> dict[str, str]:
    """The words for letters in `code`: English, then each `notice_words.<code>.txt` found, the
    built-in one first and the district's over it (a district may change one word only).

    Raises LetterError naming the file and line of an unknown key or an unknown `{field}`, so a
    typo never puts English or a blank into a translated letter unnoticed."""
    words = dict(ENGLISH_WORDS)
    if not code or code == DEFAULT_LANGUAGE:
        return words
    folders = dirs if dirs is not None else template_dirs()
    for folder in reversed(folders):  # the first folder wins, as for templates
        path = folder / f"notice_words.{code}.txt"
        if path.is_file():
            words.update(_read_words(path))
    return words


def _read_words(path: Path) -> dict[str, str]:
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise LetterError(f"cannot read the letter words {path}: {exc}") from exc
    words = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, colon, value = line.partition(":")
        key, value = key.strip(), value.strip()
        where = f"{path.name}, line {number}"
        if not colon or key not in ENGLISH_WORDS:
            known = ", ".join(sorted(ENGLISH_WORDS))
            raise LetterError(f"{where}: {key!r} is not a letter word (the words are {known})")
        unknown = set(_FIELD.findall(value)) - _WORD_FIELDS.get(key, set())
        if unknown:
            raise LetterError(f"{where}: {key} has no field {{{sorted(unknown)[0]}}}")
        words[key] = value
    return words


# --- filling a letter -------------------------------------------------------------------------
