"""A deterministic demo school, for trying the app and for tests and benchmarks."""

from sro_tui import lazy

# Each module and the names it offers; a module is imported the first time one is used.
__getattr__, __dir__, __all__ = lazy.exports(
    __name__,
    {
        "interventions": [
            "DISTRICT_EXTRA_REQUESTS",
            "add_district_demo_requests",
        ],
        "school": [
            "DEMO_GUARDIANS",
            "DEMO_STEPS",
            "DEMO_STUDENTS",
            "DemoFamily",
            "DemoGuardian",
            "DemoSchoolError",
            "DemoStudent",
            "GRADES",
            "create_demo_school",
            "make_families",
            "record_uuid",
        ],
    },
)
