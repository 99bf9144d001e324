"""Requests for staff intervention: the form and its policy checks, submit, review, amend,
the list and its filters, and the exports.

`form` turns what was typed into policy facts; `requests` saves and amends; `query` reads and
counts; `export` writes the files for the district.
"""

from sro_tui import lazy

# Each module and the names it offers; a module is imported the first time one is used.
__getattr__, __dir__, __all__ = lazy.exports(
    __name__,
    {
        "calendar": [
            "Closure",
            "add_closures",
            "closure_days",
            "remove_closures",
            "school_closures",
        ],
        "export": [
            "export_requests",
        ],
        "form": [
            "DATETIME_FORMAT_HINT",
            "InvolvedStudent",
            "RequestForm",
            "check_form",
            "form_from_request",
            "parse_local_datetime",
            "stored_findings",
            "student_labels",
        ],
        "counts": [
            "intervention_counts",
            "without_discipline_outcome",
        ],
        "query": [
            "REQUEST_STATUSES",
            "HistoryEntry",
            "InterventionRequest",
            "RequestFilter",
            "RequestRow",
            "get_request",
            "list_requests",
            "open_restraint_deadlines",
            "request_history",
        ],
        "requests": [
            "RequestRefused",
            "amend_request",
            "has_discipline_outcome",
            "record_discipline_outcome",
            "record_refusal",
            "record_restraint_step",
            "review_request",
            "save_draft",
            "submit_request",
            "why_not_reviewable",
        ],
    },
)
