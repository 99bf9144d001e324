"""Requests for staff intervention: the form and its policy checks, submit, review, amend,
the list and its filters, and the exports.

`form` turns what was typed into policy facts; `requests` saves and amends; `query` reads and
counts; `export` writes the files for the district.
"""

from sro_tui.interventions.calendar import (
    Closure,
    add_closures,
    closure_days,
    remove_closures,
    school_closures,
)
from sro_tui.interventions.export import (
    export_requests,
)
from sro_tui.interventions.form import (
    DATETIME_FORMAT_HINT,
    InvolvedStudent,
    RequestForm,
    check_form,
    form_from_request,
    parse_local_datetime,
    stored_findings,
)
from sro_tui.interventions.query import (
    HistoryEntry,
    RequestFilter,
    RequestRow,
    intervention_counts,
    list_requests,
    open_restraint_deadlines,
    request_history,
    without_discipline_outcome,
)
from sro_tui.interventions.requests import (
    RequestRefused,
    amend_request,
    record_discipline_outcome,
    record_refusal,
    record_restraint_step,
    review_request,
    save_draft,
    submit_request,
)

__all__ = [
    "Closure",
    "add_closures",
    "closure_days",
    "remove_closures",
    "school_closures",
    "DATETIME_FORMAT_HINT",
    "HistoryEntry",
    "InvolvedStudent",
    "RequestFilter",
    "RequestForm",
    "RequestRefused",
    "RequestRow",
    "amend_request",
    "check_form",
    "export_requests",
    "form_from_request",
    "intervention_counts",
    "list_requests",
    "open_restraint_deadlines",
    "parse_local_datetime",
    "record_discipline_outcome",
    "record_refusal",
    "record_restraint_step",
    "request_history",
    "review_request",
    "save_draft",
    "stored_findings",
    "submit_request",
    "without_discipline_outcome",
]
