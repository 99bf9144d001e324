"""A deterministic demo school, for trying the app and for tests and benchmarks."""

from sro_tui.demo.school import (
    DEMO_GUARDIANS,
    DEMO_STEPS,
    DEMO_STUDENTS,
    GRADES,
    DemoFamily,
    DemoGuardian,
    DemoSchoolError,
    DemoStudent,
    create_demo_school,
    make_families,
    record_uuid,
)

__all__ = [
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
]
