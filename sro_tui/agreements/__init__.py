"""The annual agreement with the agency or company and its review with parents, students and
community members, safety staff training, and families' complaints.
"""

from sro_tui import lazy

# Each module and the names it offers; a module is imported the first time one is used.
__getattr__, __dir__, __all__ = lazy.exports(
    __name__,
    {
        "complaints": [
            "COMPLAINANT_ROLES",
            "COMPLAINT_CATEGORIES",
            "COMPLAINT_CHANNELS",
            "COMPLAINT_COLUMNS",
            "COMPLAINT_STATUSES",
            "add_investigation_note",
            "close_complaint",
            "closing_problems",
            "complaint_status",
            "complaints_for_year",
            "export_complaints_csv",
            "get_complaint",
            "log_complaint",
            "record_response",
            "reopen_complaint",
            "route_complaint",
            "update_complaint",
        ],
        "counts": [
            "TRAINING_DUE_SOON_DAYS",
            "agreements_for_year",
            "agreements_status",
            "complaint_age_days",
            "has_contracted_staff",
            "open_complaints",
            "providers_without_adopted_agreement",
            "statutory_training_deadlines",
            "training_overview",
            "training_state",
        ],
        "staff": [
            "STAFF_TEXT_FIELDS",
            "save_safety_staff",
        ],
        "review": [
            "AGREEMENT_COLUMNS",
            "AGREEMENT_ITEMS",
            "AdoptionRefused",
            "MEETING_KINDS",
            "PARTICIPANT_ROLES",
            "PROVIDER_TYPES",
            "REQUIRED_ROLES",
            "adopt_agreement",
            "adoption_problems",
            "agreement_items",
            "export_agreements_csv",
            "get_agreement",
            "participation_counts",
            "record_stakeholder_meeting",
            "record_training_completed",
            "record_training_plan",
            "remove_stakeholder_meeting",
            "set_agreement_item",
            "stakeholder_meetings",
            "start_agreement",
            "withdraw_adoption",
        ],
    },
)
