"""The district office: each school's send (one bundle), the district's own database (SQLite or
PostgreSQL), the merge, the status of every building, and the district's files."""

from sro_tui.district.database import (
    DistrictDatabaseError,
    default_district_target,
    describe_target,
    open_district_database,
)
from sro_tui.district.demo import DEMO_BUILDINGS, write_demo_district
from sro_tui.district.files import write_district_report, write_merged_csvs
from sro_tui.district.merge import MergeRefused, MergeResult, merge_bundle, merge_bundles
from sro_tui.district.send import (
    BUNDLE_KINDS,
    SentBundle,
    describe_last_send,
    last_district_send,
    send_to_district,
)
from sro_tui.district.status import (
    DEFAULT_STALE_DAYS,
    SchoolSummary,
    district_status,
    school_detail,
)

__all__ = [
    "BUNDLE_KINDS",
    "DEFAULT_STALE_DAYS",
    "DEMO_BUILDINGS",
    "DistrictDatabaseError",
    "MergeRefused",
    "MergeResult",
    "SchoolSummary",
    "SentBundle",
    "default_district_target",
    "describe_last_send",
    "describe_target",
    "district_status",
    "last_district_send",
    "merge_bundle",
    "merge_bundles",
    "open_district_database",
    "school_detail",
    "send_to_district",
    "write_demo_district",
    "write_district_report",
    "write_merged_csvs",
]
