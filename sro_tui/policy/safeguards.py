"""The checks on what staff did: law-enforcement activity and its safeguards, and restraint or
isolation with its deadlines. Used by `checks.run_checks`.

Pure: no database, no UI.
"""

from __future__ import annotations

from datetime import datetime

from sro_tui.policy.deadlines import RESTRAINT_CITATION, deadlines_of
from sro_tui.policy.rules import (
    ATTORNEY_EXCEPTIONS,
    LAW_ENFORCEMENT_ACTIVITIES,
    P4311,
    RESTRAINT_TYPES,
    WORDS_BY_AN_SRO,
    WORDS_CONSISTENT_WITH,
    WORDS_KEEP_OUT_OF_JUSTICE_SYSTEM,
    WORDS_OFF_PREMISES,
    Finding,
    RequestFacts,
    RestraintIsolation,
    Severity,
)

BLOCK, NEEDS_REASON, ADVICE = Severity.BLOCK, Severity.NEEDS_REASON, Severity.ADVICE
RCW_ATTORNEY = "RCW 13.40.740"
_JUSTICE_SYSTEM_KINDS = {
    "citation",
    "delinquency_petition",
    "probation_referral",
    "arrest",
    "other_juvenile_justice_referral",
}


def _blank(text: str | None) -> bool:
    return not (text or "").strip()


def check_law_enforcement(facts: RequestFacts) -> list[Finding]:
    """Where, why at school, attorney access before any waiver, parent notified, 3226/3230."""
    found = []
    activities = facts.law_enforcement
    if "law_enforcement_activity" in facts.actions and not activities:
        found.append(
            Finding(
                "le.details_missing",
                BLOCK,
                "Law-enforcement activity is ticked: say which activity (interview, search, "
                "citation, arrest...) and its safeguards.",
                P4311,
                "law_enforcement",
            )
        )
    if not activities:
        return found
    if "sro" not in facts.responding_staff_kinds:
        found.append(
            Finding(
                "le.no_sro",
                NEEDS_REASON,
                f"No SRO is listed among the responding staff. “{WORDS_BY_AN_SRO}” Say who carried "
                "out the law-enforcement activity.",
                P4311,
                "responding_staff_kinds",
            )
        )
    policies_seen: set[str] = set()
    for index, activity in enumerate(activities):
        kind = LAW_ENFORCEMENT_ACTIVITIES[activity.kind]
        where = f"law_enforcement[{index}]"
        if activity.on_premises is None:
            found.append(
                Finding(
                    "le.location_missing",
                    BLOCK,
                    f"{kind.label}: say whether it took place on school premises. "
                    f"“{WORDS_OFF_PREMISES}”",
                    P4311,
                    f"{where}.on_premises",
                )
            )
        elif activity.on_premises and _blank(activity.why_on_premises):
            found.append(
                Finding(
                    "le.on_premises_reason",
                    BLOCK,
                    f"{kind.label} on school premises: say why it could not take place elsewhere. "
                    f"“{WORDS_OFF_PREMISES}”",
                    P4311,
                    f"{where}.why_on_premises",
                )
            )
        needs_attorney = kind.attorney_safeguard == "always"
        if kind.attorney_safeguard != "never" and activity.student_under_18 is None:
            found.append(
                Finding(
                    "le.under_18_unanswered",
                    BLOCK,
                    f"{kind.label}: say whether the student is under 18 (RCW 13.40.740 protects "
                    "juveniles).",
                    RCW_ATTORNEY,
                    f"{where}.student_under_18",
                )
            )
        if kind.id == "interview" and activity.custodial is None:
            found.append(
                Finding(
                    "le.custodial_unanswered",
                    BLOCK,
                    f"{kind.label}: say whether the questioning was custodial (the student was "
                    "not free to leave). Access to an attorney comes before any waiver of rights "
                    "in a custodial interrogation.",
                    f"{RCW_ATTORNEY}(1)",
                    f"{where}.custodial",
                )
            )
        if kind.id == "interview" and activity.custodial is False:
            needs_attorney = False  # the statute speaks of a custodial interrogation
        if kind.attorney_safeguard == "if_consent_search":
            if activity.consent_requested is None:
                found.append(
                    Finding(
                        "le.consent_unanswered",
                        BLOCK,
                        f"{kind.label}: say whether the student was asked to consent to the search "
                        "(a consent search needs access to an attorney first).",
                        f"{RCW_ATTORNEY}(1)(c); Policy 3230",
                        f"{where}.consent_requested",
                    )
                )
            needs_attorney = bool(activity.consent_requested)
        if activity.student_under_18 is False:
            needs_attorney = False  # RCW 13.40.740 is about juveniles
        if needs_attorney:
            found += _attorney_findings(activity.attorney_access, kind.label, where)
        if activity.parent_notified is None:
            found.append(
                Finding(
                    "le.parent_unanswered",
                    BLOCK,
                    f"{kind.label}: say whether a parent or guardian was notified.",
                    f"{P4311}; Policies 3226/3230",
                    f"{where}.parent_notified",
                )
            )
        elif activity.parent_notified is False:
            found.append(
                Finding(
                    "le.parent_not_notified",
                    NEEDS_REASON,
                    f"{kind.label}: no parent or guardian was notified. Say why (see Policies 3226 "
                    "and 3230 for when the school must notify).",
                    f"{P4311}; Policies 3226/3230",
                    f"{where}.parent_notified",
                )
            )
        if kind.policy.startswith("Policy") and kind.policy not in policies_seen:
            policies_seen.add(kind.policy)
            found.append(
                Finding(
                    "le.follow_policy",
                    ADVICE,
                    f"{kind.label}: follow {kind.policy}. The policy says law-enforcement "
                    f"activity at school is “{WORDS_CONSISTENT_WITH}”",
                    P4311,
                    f"{where}.kind",
                )
            )
    if any(a.kind in _JUSTICE_SYSTEM_KINDS for a in activities):
        found.append(
            Finding(
                "le.keep_out_of_justice_system",
                ADVICE,
                f"“{WORDS_KEEP_OUT_OF_JUSTICE_SYSTEM}”",
                f"{P4311} (definition of school resource officer)",
                "law_enforcement",
            )
        )
    return found


def _attorney_findings(answer: str | None, label: str, where: str) -> list[Finding]:
    if answer is None:
        return [
            Finding(
                "le.attorney_access_missing",
                BLOCK,
                f"{label}: say whether the student was given access to an attorney before any "
                "waiver of rights, or which exception applied. Law enforcement must provide a "
                "juvenile access to an attorney for consultation before the juvenile waives any "
                "constitutional rights in a custodial interrogation, a detention on probable "
                "cause, or a request to consent to a search; the consultation cannot be waived.",
                f"{RCW_ATTORNEY}(1)-(2)",
                f"{where}.attorney_access",
            )
        ]
    if answer in ATTORNEY_EXCEPTIONS:
        return [
            Finding(
                "le.attorney_exception",
                NEEDS_REASON,
                f"{label}: an exception to attorney access is claimed — "
                f"{ATTORNEY_EXCEPTIONS[answer].lower()}. Write the facts that made it apply.",
                RCW_ATTORNEY,
                f"{where}.attorney_access",
            )
        ]
    if answer == "no_waiver_sought":
        # Issue 12: for an interview, detention or consent search of a student under 18 this is
        # the answer that lets the safeguard be skipped, so it is explained, not only noted.
        return [
            Finding(
                "le.no_waiver_sought",
                NEEDS_REASON,
                f"{label}: no waiver was sought. Say what happened instead (no questions asked, "
                "no consent requested). Statements a juvenile makes without access to an "
                "attorney are not admissible unless made spontaneously or used for impeachment.",
                f"{RCW_ATTORNEY}(3)",
                f"{where}.attorney_access",
            )
        ]
    return []


# RCW 28A.600.485: the written report includes at least "the date and time of the incident; the
# name and job title of the individual who administered the restraint or isolation; a description
# of the activity that led to the restraint or isolation; the type of restraint or isolation used
# on the student, including the duration; whether the student or staff was physically injured
# during the restraint or isolation incident and any medical care provided; and any
# recommendations for changing the nature or amount of resources available to the student and
# staff members in order to avoid similar incidents."
WORDS_REPORT_CONTENTS = (
    "the name and job title of the individual who administered the restraint or isolation; a "
    "description of the activity that led to the restraint or isolation; the type of restraint or "
    "isolation used on the student, including the duration; whether the student or staff was "
    "physically injured … and any medical care provided; and any recommendations for changing the "
    "nature or amount of resources available to the student and staff members in order to avoid "
    "similar incidents"
)


def _report_contents(record: RestraintIsolation) -> list[Finding]:
    """What the written report must hold. Advice while the report is being written; once it is
    recorded as filed, a missing part stops the submission (the report was not complete)."""
    kinds = {RESTRAINT_TYPES[code][0] for code in record.type_codes}
    injured_someone = record.student_injured or (record.staff_injured_count or 0) > 0
    missing = [
        what
        for what, absent in (
            ("who administered it (name)", _blank(record.administered_by_name)),
            ("their job title", _blank(record.administered_by_title)),
            ("what led to it", _blank(record.description)),
            ("the type of restraint (state code)", record.restraint and "restraint" not in kinds),
            ("the type of isolation (state code)", record.isolation and "isolation" not in kinds),
            ("when it ended (the duration)", record.ended_at is None),
            ("whether the student was injured", record.student_injured is None),
            ("how many staff were injured (0 if none)", record.staff_injured_count is None),
            ("the medical care given", bool(injured_someone) and _blank(record.medical_care)),
            ("recommendations to avoid similar incidents", _blank(record.recommendations)),
        )
        if absent
    ]
    found = []
    if missing:
        filed = record.written_report_filed_at is not None
        found.append(
            Finding(
                "restraint.report_details",
                BLOCK if filed else ADVICE,
                (
                    "The report is recorded as filed but does not say "
                    if filed
                    else "The written incident report must also say "
                )  # fmt: skip
                + f"{', '.join(missing)}. The statute asks for “{WORDS_REPORT_CONTENTS}”.",
                RESTRAINT_CITATION,
                "restraint",
            )
        )
    if record.family_told_in_writing_at is not None and _blank(record.notice_language):
        found.append(
            Finding(
                "restraint.notice_language",
                BLOCK,
                "Say in which language the written notice was sent: families are told in writing "
                "in their language (RCW 28A.600.485; the district's language-access duty).",
                RESTRAINT_CITATION,
                "restraint.language",
            )
        )
    return found


def check_restraint(facts: RequestFacts, now: datetime | None) -> list[Finding]:
    """Restraint or isolation opens its own record, with deadlines shown until met."""
    found = []
    record = facts.restraint
    ticked = [a for a in ("restraint", "isolation") if a in facts.actions]
    if ticked and record is None:
        found.append(
            Finding(
                "restraint.record_missing",
                BLOCK,
                f"{' and '.join(ticked).capitalize()} ticked: fill in the restraint/isolation "
                "record (when, how long, what led to it, injuries) so its deadlines can be "
                "tracked.",
                RESTRAINT_CITATION,
                "restraint",
            )
        )
    if record is None:
        return found
    if not (record.restraint or record.isolation):
        found.append(
            Finding(
                "restraint.kind_missing",
                BLOCK,
                "Say whether the student was restrained, isolated, or both.",
                RESTRAINT_CITATION,
                "restraint.kind",
            )
        )
    if facts.criterion == "disruption":
        found.append(
            Finding(
                "restraint.threshold",
                NEEDS_REASON,
                "Restraint or isolation is permitted only when reasonably necessary to control "
                "spontaneous behavior that poses an imminent likelihood of serious harm; "
                "disruption alone does not meet that. Say what serious harm was imminent.",
                RESTRAINT_CITATION,
                "criterion",
            )
        )
    started = record.started_at or facts.occurred_at
    if started is None:
        found.append(
            Finding(
                "restraint.start_missing",
                BLOCK,
                "Say when the restraint or isolation began.",
                RESTRAINT_CITATION,
                "restraint.started_at",
            )
        )
        return found
    if record.ended_at is not None and record.ended_at < started:
        found.append(
            Finding(
                "restraint.times",
                BLOCK,
                "The restraint or isolation ends before it begins.",
                RESTRAINT_CITATION,
                "restraint.ended_at",
            )
        )
    found += _report_contents(record)
    deadlines = deadlines_of(record, started, facts.school_closures)
    for deadline in deadlines:
        where = f"restraint.{deadline.name}_at"
        if deadline.met_at is not None and deadline.met_at < started:
            found.append(
                Finding(
                    "restraint.step_before_incident",
                    BLOCK,
                    f"{deadline.label}: the time given is before the incident began.",
                    deadline.citation,
                    where,
                )
            )
        elif deadline.as_soon_as_possible:
            # No fixed hour to miss: shown until it is done.
            if deadline.met_at is None:
                found.append(
                    Finding(
                        "restraint.deadline_open",
                        ADVICE,
                        f"{deadline.label}: still owed — {deadline.due_text}.",
                        deadline.citation,
                        where,
                    )
                )
        elif deadline.met_late or (now is not None and deadline.overdue(now)):
            done = "done after the deadline" if deadline.met_late else "overdue"
            found.append(
                Finding(
                    "restraint.deadline_missed",
                    NEEDS_REASON,
                    f"{deadline.label}: {done} ({deadline.due_text}, by "
                    f"{deadline.due_at:%a %Y-%m-%d %H:%M}). Record when it was done, and why late.",
                    deadline.citation,
                    where,
                )
            )
        elif deadline.met_at is None:
            found.append(
                Finding(
                    "restraint.deadline_open",
                    ADVICE,
                    f"{deadline.label}: still owed — {deadline.due_text}, by "
                    f"{deadline.due_at:%a %Y-%m-%d %H:%M}"
                    + (f" ({deadline.school_days_note})." if deadline.school_due_at else "."),
                    deadline.citation,
                    where,
                )
            )
    return found
