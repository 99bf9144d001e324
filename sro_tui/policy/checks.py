"""The checks behind `policy.check_request`: one small function per part of the form.

Pure: no database, no UI. Every finding quotes or cites its source; docs/policy-rules.md lists
them all with what is verified and what needs legal review.
"""

from __future__ import annotations

import re
from datetime import datetime

from sro_tui.policy.immigration import (
    IMMIGRATION_CITATION,
    find_immigration_content,
    forbidden_field_names,
    immigration_message,
)
from sro_tui.policy.rules import (
    ACTIONS,
    ATTORNEY_ACCESS_ANSWERS,
    CRITERIA,
    DISCIPLINARY_ACTIONS,
    LAW_ENFORCEMENT_ACTIVITIES,
    P4311,
    REQUESTER_ROLES,
    RESTRAINT_TYPES,
    STAFF_KINDS,
    WORDS_EMERGENCY,
    WORDS_INTERVENTION,
    WORDS_INTERVENTION_CRITERIA,
    WORDS_PRINCIPAL_DISCIPLINE,
    WORDS_SRO_NO_DISCIPLINE,
    Finding,
    RequestFacts,
    Severity,
)
from sro_tui.policy.safeguards import check_law_enforcement, check_restraint

BLOCK, NEEDS_REASON, ADVICE = Severity.BLOCK, Severity.NEEDS_REASON, Severity.ADVICE
MIN_FACT_WORDS = 8


# Everyday school discipline: matters the principal handles (Policy 3241), not a reason to call
# safety and security staff. Found in the facts, they need a reason even when the requester
# answered that the purpose is not discipline.
_EVERYDAY_DISCIPLINE = re.compile(
    r"\b(?:dress[\s-]?code|uniform\s+violation|out\s+of\s+uniform|tard(?:y|ies|iness)|"
    r"late\s+to\s+class|(?:cell\s*)?phone\s+(?:use|out|policy|violation|in\s+class)|"
    r"(?:put|putting)\s+(?:his|her|their|the)\s+phone\s+away|using\s+(?:his|her|their|a)\s+phone|"
    r"detentions?|write[\s-]?ups?|write\s+(?:him|her|them|the\s+student)\s+up|written\s+up|"
    r"suspen(?:d|ded|sion|sions)|expel(?:led)?|expulsion|office\s+referral|disciplin\w*|"
    r"insubordinat\w*|defian(?:t|ce)|talking\s+back|back\s*talk|disrespect\w*|"
    r"skipp(?:ed|ing)\s+class|cutting\s+class|truan(?:t|cy)|hall\s+pass|without\s+a\s+pass|"
    r"chewing\s+gum|wearing\s+(?:a\s+)?(?:hat|hood|hoodie)|hats?\s+(?:on|in\s+class)|"
    r"profanity|swearing|cheating|plagiari\w*|refus(?:ed|ing)\s+to\s+(?:sit|work|leave\s+"
    r"class|follow\s+directions|take\s+off))\b",
    re.IGNORECASE,
)


def everyday_discipline_words(text: str) -> list[str]:
    """The words of everyday school discipline in `text` (dress code, tardy, phone use, detention,
    write-up, suspension …), in order, each once."""
    seen: list[str] = []
    for match in _EVERYDAY_DISCIPLINE.finditer(text or ""):
        word = " ".join(match.group().lower().split())
        if word not in seen:
            seen.append(word)
    return seen


def _blank(text: str | None) -> bool:
    return not (text or "").strip()


def _validate(facts: RequestFacts) -> None:
    """Ids outside the catalogues are a programming error: say which one."""
    problems = []
    if facts.criterion is not None and facts.criterion not in CRITERIA:
        problems.append(f"criterion {facts.criterion!r}")
    if facts.requested_by_role is not None and facts.requested_by_role not in REQUESTER_ROLES:
        problems.append(f"requested_by_role {facts.requested_by_role!r}")
    problems += [f"staff kind {k!r}" for k in facts.responding_staff_kinds if k not in STAFF_KINDS]
    problems += [
        f"action {a!r}" for a in facts.actions if a not in ACTIONS and a not in DISCIPLINARY_ACTIONS
    ]
    for entry in facts.staff_disciplinary_actions:
        if entry.staff_kind not in STAFF_KINDS or entry.action not in DISCIPLINARY_ACTIONS:
            problems.append(f"staff disciplinary action {entry!r}")
    if facts.restraint is not None:
        problems += [
            f"restraint type {code!r}"
            for code in facts.restraint.type_codes
            if code not in RESTRAINT_TYPES
        ]
    for activity in facts.law_enforcement:
        if activity.kind not in LAW_ENFORCEMENT_ACTIVITIES:
            problems.append(f"law-enforcement activity {activity.kind!r}")
        if activity.attorney_access is not None and (
            activity.attorney_access not in ATTORNEY_ACCESS_ANSWERS
        ):
            problems.append(f"attorney_access {activity.attorney_access!r}")
    if problems:
        raise ValueError("not in the policy's lists: " + ", ".join(problems))


def _check_basis(facts: RequestFacts) -> list[Finding]:
    """Who asked, on which criterion, and the facts that meet it; or a staff-initiated emergency."""
    found = []
    if facts.occurred_at is None:
        found.append(
            Finding(
                "request.when_missing",
                BLOCK,
                "Say when the incident happened.",
                P4311,
                "occurred_at",
            )
        )
    if facts.staff_initiated_emergency:
        if facts.criterion == "disruption":
            found.append(
                Finding(
                    "request.unasked_not_emergency",
                    NEEDS_REASON,
                    f"Staff acted without being asked, but the criterion chosen is disruption. "
                    f"“{WORDS_EMERGENCY}” Say what made this an emergency.",
                    f"{P4311}; Policy 3432",
                    "criterion",
                )
            )
    else:
        if _blank(facts.requested_by_name) or facts.requested_by_role is None:
            found.append(
                Finding(
                    "request.requester_missing",
                    BLOCK,
                    "Name who asked for the intervention and their role, or mark it as staff "
                    f"intervening in an emergency without being asked. “{WORDS_EMERGENCY}”",
                    P4311,
                    "requested_by_name",
                )
            )
        elif facts.requested_by_role == "other_staff":
            found.append(
                Finding(
                    "request.requester_role",
                    NEEDS_REASON,
                    "The policy names teachers and school administrators as the people who may "
                    f"ask: “{WORDS_INTERVENTION}” Say why someone else asked.",
                    P4311,
                    "requested_by_role",
                )
            )
        if facts.criterion is None:
            found.append(
                Finding(
                    "request.criterion_missing",
                    BLOCK,
                    f"Choose the one criterion the request meets. “{WORDS_INTERVENTION}”",
                    P4311,
                    "criterion",
                )
            )
    if _blank(facts.facts):
        if facts.criterion is not None:
            what = f"the facts that show {CRITERIA[facts.criterion].words}"
        elif facts.staff_initiated_emergency:
            what = "the facts of the emergency"
        else:
            what = "the facts that meet the criterion"
        found.append(Finding("request.facts_missing", BLOCK, f"Write {what}.", P4311, "facts"))
    elif len(facts.facts.split()) < MIN_FACT_WORDS:
        found.append(
            Finding(
                "request.facts_brief",
                ADVICE,
                "The facts are very short: say what the student did or was about to do, and why it "
                "could not wait.",
                P4311,
                "facts",
            )
        )
    return found


def _check_discipline(facts: RequestFacts) -> list[Finding]:
    """Formal discipline is the principal's job; an SRO is never recorded as taking part."""
    found = []
    if not facts.staff_initiated_emergency:
        if facts.purpose_is_discipline is None:
            found.append(
                Finding(
                    "discipline.purpose_unanswered",
                    BLOCK,
                    "Answer the question: is the purpose of this request student discipline?",
                    f"{P4311}; Policy 3241",
                    "purpose_is_discipline",
                )
            )
        elif facts.purpose_is_discipline:
            found.append(
                Finding(
                    "discipline.request_refused",
                    BLOCK,
                    f"Refused: safety and security staff are not asked to carry out discipline. "
                    f"“{WORDS_PRINCIPAL_DISCIPLINE}” “{WORDS_SRO_NO_DISCIPLINE}” "
                    "Take the matter to the principal or designee.",
                    f"{P4311} (Limitations); Policy 3241",
                    "purpose_is_discipline",
                )
            )
    sro_responded = "sro" in facts.responding_staff_kinds
    attributed = [(e.staff_kind, e.action) for e in facts.staff_disciplinary_actions]
    unattributed = [a for a in facts.actions if a in DISCIPLINARY_ACTIONS]
    # A disciplinary action ticked without saying who took it counts as the SRO's if one responded.
    attributed += [("sro" if sro_responded else "staff", a) for a in unattributed]
    for kind, action in attributed:
        label = DISCIPLINARY_ACTIONS[action]
        if kind == "sro":
            found.append(
                Finding(
                    "discipline.sro_action",
                    BLOCK,
                    f"An SRO cannot be recorded as taking a disciplinary action ({label}). "
                    f"“{WORDS_SRO_NO_DISCIPLINE}” Record discipline only as the administrator’s.",
                    f"{P4311} (Limitations)",
                    "actions",
                )
            )
        else:
            found.append(
                Finding(
                    "discipline.staff_action",
                    NEEDS_REASON,
                    "Safety and security staff are recorded as taking a disciplinary action "
                    f"({label}). “{WORDS_PRINCIPAL_DISCIPLINE}” Say which administrator decided "
                    "it.",
                    f"{P4311} (Limitations); Policy 3241",
                    "actions",
                )
            )
    everyday = everyday_discipline_words(f"{facts.facts}\n{facts.free_text.get('outcome', '')}")
    if everyday and facts.purpose_is_discipline is not True:
        found.append(
            Finding(
                "discipline.everyday_words",
                NEEDS_REASON,
                f"The facts speak of everyday school discipline ({', '.join(everyday)}). "
                f"“{WORDS_PRINCIPAL_DISCIPLINE}” Staff may be asked to intervene only when "
                f"“{WORDS_INTERVENTION_CRITERIA}” Say what made this more than a discipline "
                "matter, or take it to the principal or designee.",
                f"{P4311} (Requests for Intervention; Limitations); Policy 3241",
                "facts",
            )
        )
    return found


def _texts(facts: RequestFacts) -> list[tuple[str, str]]:
    """Every piece of free text the form would store, with the field it sits in."""
    texts = [("facts", facts.facts), ("location", facts.location)]
    texts += [(f"free_text.{name}", text) for name, text in facts.free_text.items()]
    texts += [
        (f"law_enforcement[{i}].why_on_premises", a.why_on_premises)
        for i, a in enumerate(facts.law_enforcement)
    ]
    if facts.restraint is not None:
        r = facts.restraint
        texts += [
            ("restraint.description", r.description),
            ("restraint.administered_by_name", r.administered_by_name),
            ("restraint.administered_by_title", r.administered_by_title),
            ("restraint.medical_care", r.medical_care),
            ("restraint.recommendations", r.recommendations),
            ("restraint.language", r.notice_language),
        ]
    texts += [
        (f"acknowledged_reasons.{key}", text) for key, text in facts.acknowledged_reasons.items()
    ]
    return texts


def _check_immigration(facts: RequestFacts) -> list[Finding]:
    """No immigration or citizenship status or place of birth, in any field or any text."""
    found = [
        Finding(
            "immigration.field_name",
            BLOCK,
            f"There can be no field named “{name}”: it would hold immigration or citizenship "
            "status or place of birth.",
            IMMIGRATION_CITATION,
            f"free_text.{name}",
        )
        for name in forbidden_field_names(list(facts.free_text))
    ]
    for where, text in _texts(facts):
        for match in find_immigration_content(text or ""):
            found.append(
                Finding(
                    "immigration.free_text",
                    BLOCK,
                    immigration_message(match),
                    IMMIGRATION_CITATION,
                    where,
                )
            )
    return found


def run_checks(facts: RequestFacts, now: datetime | None = None) -> list[Finding]:
    """All checks, BLOCK first (stable within a severity). See `policy.check_request`."""
    _validate(facts)
    findings = (
        _check_basis(facts)
        + _check_discipline(facts)
        + check_law_enforcement(facts)
        + check_restraint(facts, now)
        + _check_immigration(facts)
    )
    findings.sort(key=lambda f: f.severity.rank)
    return findings


def check_request(facts: RequestFacts, now: datetime | None = None) -> list[Finding]:
    """Every finding for the form, BLOCK first, then NEEDS_REASON, then ADVICE.

    `now` (optional) lets restraint/isolation deadlines that have passed show as overdue. Raises
    ValueError for ids that are not in the catalogues above (a programming error, not bad input).
    The rules themselves are in this module."""
    return run_checks(facts, now)
