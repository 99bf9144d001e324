"""The columns of the intervention exports, identified and de-identified (34 CFR 99.3).

docs/intervention-exports.md says why each column is there; a test keeps the two in step.
"""

from __future__ import annotations

from sro_tui.exchange import MERGE_COLUMNS, ExportColumn


def _cols(*specs: str) -> tuple[ExportColumn, ...]:
    """'name' or 'name:kind' -> ExportColumn, after the merge columns."""
    return MERGE_COLUMNS + tuple(ExportColumn(*spec.split(":")) for spec in specs)


_REQUEST_SHARED = (
    "status",
    "on_premises",
    "requested_by_role",
    "staff_initiated_emergency",
    "criterion",
    "purpose_is_discipline",
    "actions_taken",
    "resulted_in_discipline",
    "responding_staff_kinds",
    "students_involved:int",
    "law_enforcement_kinds",
    "arrest",
    "restraint",
    "isolation",
    "findings",
)
_DEMOGRAPHICS = ("grade", "race_ethnicity", "sex", "iep", "section_504", "english_learner")
_SAFEGUARDS = (
    "kind",
    "on_premises",
    "consent_requested",
    "attorney_access",
    "parent_notified",
    "custodial",
    "student_under_18",
)
_RESTRAINT_SHARED = (
    "restraint",
    "isolation",
    "type_codes",
    "duration_minutes:int",
    "student_injured",
    "staff_injured_count:int",
)
RESTRAINT_STEPS = (
    "administrator_informed",
    "family_told_verbally",
    "written_report_filed",
    "family_told_in_writing",
)

IDENTIFIED_COLUMNS: dict[str, tuple[ExportColumn, ...]] = {
    "interventions": _cols(
        "version:int",
        "occurred_at_local",
        "location",
        *_REQUEST_SHARED,
        "facts",
        "outcome",
        "responding_staff",
        "submitted_at:datetime",
        "submitted_by",
        "reviewed_at:datetime",
        "reviewed_by",
    ),
    "intervention-students": _cols(
        "request_record_id:id",
        "request_version:int",
        "role",
        "outcomes",
        "student_sis_id:id",
        "unknown_person_description",
        *_DEMOGRAPHICS,
        "student_ssid:id",  # issue 15: the state's S file; last, so older bundles still merge
    ),
    "intervention-law-enforcement": _cols(
        "request_record_id:id", "request_version:int", *_SAFEGUARDS, "why_on_premises"
    ),
    "intervention-restraint-isolation": _cols(
        "request_record_id:id",
        "request_version:int",
        "started_at_local",
        "ended_at_local",
        *_RESTRAINT_SHARED,
        "administered_by_name",
        "administered_by_title",
        "description",
        "medical_care",
        "recommendations",
        *(f"{step}_at_local" for step in RESTRAINT_STEPS),
        "written_report_due_local",
        "family_written_due_local",
        "language",
    ),
}
DEIDENTIFIED_COLUMNS: dict[str, tuple[ExportColumn, ...]] = {
    "interventions": _cols("month", *_REQUEST_SHARED),
    "intervention-students": _cols("request_key:id", "role", "outcomes", *_DEMOGRAPHICS),
    "intervention-law-enforcement": _cols("request_key:id", *_SAFEGUARDS),
    "intervention-restraint-isolation": _cols(
        "request_key:id", "month", *_RESTRAINT_SHARED, "medical_care_given", *RESTRAINT_STEPS
    ),
    "intervention-counts": _cols("table", "group", "count"),
}
