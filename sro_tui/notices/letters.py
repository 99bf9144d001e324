"""The family information letter: Policy 4311's notice to families, filled from a template.

Templates are plain-text files `notice_letter.<language>.txt` (`string.Template` placeholders,
documented in `templates/README.md`). English is built in; the district adds a language by dropping
a translated file into its template folder (setting `notice_template_dir`), no code needed. A
household whose language has no template gets the English letter with a visible note.

Letters print from plain text (one letter per page, separated by form feeds) or HTML.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from string import Template

from sro_tui.models import SafetyStaff, School, SchoolYear
from sro_tui.notices.household_notices import (
    HouseholdNotices,
    filter_households,
    load_households,
    require_school_and_year,
)
from sro_tui.notices.language import (
    BUILTIN_TEMPLATES,
    COMPLAINT_SETTING,
    DEFAULT_LANGUAGE,
    ENGLISH_WORDS,
    LetterError,
    find_template,
    language_name,
    letter_language,
    letter_words,
    template_dirs,
)
from sro_tui.paths import ensure_private_dir, write_private_file_atomically
from sro_tui.records import get_setting, list_staff


def staff_lines(staff: Iterable[SafetyStaff], words: dict[str, str] | None = None) -> list[str]:
    """'- Dana Reyes, school resource officer, Port Townsend Police Department'."""
    words = words or ENGLISH_WORDS
    lines = []
    for member in staff:
        kind = words.get(f"kind.{member.kind}", member.kind)
        employer = member.employer_name or words.get(f"employer.{member.employer_type}", "")
        lines.append(f"- {member.display_name}, {kind}, {employer}")
    return lines


def default_complaint_process(
    school: School, staff: Sequence[SafetyStaff], words: dict[str, str] | None = None
) -> str:
    """Contact the principal; and, where staff come from an agency or company, that employer."""
    words = words or ENGLISH_WORDS
    text = words["complaint"].replace("{school}", school.name)
    outside = sorted(
        {m.employer_name for m in staff if m.employer_type != "district" and m.employer_name}
    )
    if outside:
        employers = ", ".join(outside[:-1]) + f" {words['or']} " * (len(outside) > 1) + outside[-1]
        text += " " + words["complaint_outside"].replace("{employers}", employers)
    return text


@dataclass
class LetterContext:
    """What every letter of one run shares: the school, year, staff and the school's own
    complaint text ("" when it has none: each letter then says the default in its language)."""

    school: School
    year: SchoolYear
    staff: list[SafetyStaff]
    custom_complaint: str
    today: date

    @classmethod
    def current(cls, school: School, year: SchoolYear, today: date | None = None) -> LetterContext:
        staff = [m for m in list_staff() if m.school_id == school.id]
        custom = get_setting(COMPLAINT_SETTING).strip()
        return cls(school, year, staff, custom, today or date.today())

    def complaint_process(self, words: dict[str, str] | None = None) -> str:
        return self.custom_complaint or default_complaint_process(self.school, self.staff, words)


def _load_template(path: Path) -> Template:
    try:
        return Template(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise LetterError(f"cannot read the letter template {path}: {exc}") from exc


def render_letter(
    context: LetterContext,
    household: HouseholdNotices | None = None,
    language: str = DEFAULT_LANGUAGE,
    dirs: Sequence[Path] | None = None,
) -> str:
    """One filled letter: for `household`, or a generic one ("Families") for e-mail or the portal.

    Uses the `language` template when there is one, else English with a note at the top.
    """
    path = find_template(language, dirs) if language else None
    note = ""
    words = letter_words(language, dirs) if path is not None else ENGLISH_WORDS
    if path is None:
        path = find_template(DEFAULT_LANGUAGE, dirs) or BUILTIN_TEMPLATES / "notice_letter.en.txt"
        if language and language != DEFAULT_LANGUAGE:
            note = (
                f"[Note: no {language_name(language)} letter is available yet; "
                f"this is the English letter.]\n\n"
            )
    values = {
        "school_name": context.school.name,
        "school_code": context.school.code,
        "district_name": context.school.district,
        "school_year": context.year.name,
        "date": context.today.isoformat(),
        "household": household.label if household else "",
        "guardian_names": ", ".join(g.name for g in household.guardians if g.name)
        if household
        else "Families",
        "mailing_address": household.address if household else "",
        "students": ", ".join(
            f"{s.name} ({words['grade'].replace('{grade}', s.grade)})" if s.grade else s.name
            for s in household.students
        )
        if household
        else "",
        "staff_list": "\n".join(staff_lines(context.staff, words)) or words["no_staff"],
        "complaint_process": context.complaint_process(words),
        "language_note": note,
    }
    try:
        return _load_template(path).substitute(values)
    except KeyError as exc:
        raise LetterError(
            f"{path}: unknown placeholder ${exc.args[0]} (the placeholders are "
            f"{', '.join('$' + k for k in sorted(values))})"
        ) from None
    except ValueError as exc:
        raise LetterError(f"{path}: {exc}; write $$ for a dollar sign") from None


# --- printing ---------------------------------------------------------------------------------

_HTML_PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font-family: Georgia, serif; font-size: 11pt; line-height: 1.4; }}
section.letter {{ page-break-after: always; break-after: page; max-width: 42em; margin: 2em auto; }}
section.letter p {{ white-space: pre-wrap; margin: 0 0 0.8em; }}
</style></head><body>
{letters}
</body></html>
"""


def _as_html(letters: list[str], code: str, title: str) -> str:
    sections = []
    for letter in letters:
        paragraphs = [p for p in letter.split("\n\n") if p.strip()]
        body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
        sections.append(f'<section class="letter">\n{body}\n</section>')
    return _HTML_PAGE.format(
        lang=html.escape(code), title=html.escape(title), letters="\n".join(sections)
    )


@dataclass
class LetterFile:
    path: Path
    language: str
    letters: int
    in_english_instead: int  # households whose own language has no template yet


def write_letters(
    out_dir: Path | str,
    households: Iterable[int] | None = None,
    *,
    fmt: str = "txt",
    template_dirs_extra: Sequence[Path | str] | None = None,
    today: date | None = None,
    now: datetime | None = None,
) -> list[LetterFile]:
    """Write printable letters into `out_dir`, one file per letter language, one letter per page.

    `households`: household ids, or None for every household not yet notified this year.
    `fmt`: "txt" or "html". Files are written through a temporary name, readable only by their
    owner (they hold names and addresses). Raises LetterError when a template is broken or the
    folder cannot be written; nothing is written then.
    """

    if fmt not in ("txt", "html"):
        raise LetterError("letters are written as txt or html")
    school, year = require_school_and_year(None, None)
    dirs = template_dirs(template_dirs_extra)
    chosen = load_households(school, year, list(households) if households is not None else None)
    if households is None:
        chosen = filter_households(chosen, status="pending")
    context = LetterContext.current(school, year, today)
    by_language: dict[str, list[str]] = defaultdict(list)
    fallbacks: dict[str, int] = defaultdict(int)
    for household in chosen:
        wanted = household.language_code or DEFAULT_LANGUAGE
        used = letter_language(wanted, dirs)
        by_language[used].append(render_letter(context, household, wanted, dirs))
        if used != wanted:
            fallbacks[used] += 1
    out_dir = Path(out_dir).expanduser()
    stamp = f"{now or datetime.now():%Y%m%d-%H%M%S}"
    safe_code = re.sub(r"[^A-Za-z0-9-]+", "-", school.code) or "school"
    files = []
    try:
        ensure_private_dir(out_dir)
        for code, letters in sorted(by_language.items()):
            path = out_dir / f"{safe_code}_notice-letters_{year.name}_{code}_{stamp}.{fmt}"
            if fmt == "html":
                title = f"{school.name}: family notice letters ({language_name(code)})"
                text = _as_html(letters, code, title)
            else:
                text = "\n\f".join(letters)
            write_private_file_atomically(path, text.encode("utf-8"))
            files.append(LetterFile(path, code, len(letters), fallbacks.get(code, 0)))
    except OSError as exc:
        for written in files:  # all or nothing: no half set of letters
            written.path.unlink(missing_ok=True)
        raise LetterError(f"cannot write letters to {out_dir}: {exc.strerror or exc}") from exc
    return files
