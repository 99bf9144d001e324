"""The district office: each school's send (one bundle), the district's own database (SQLite or
PostgreSQL), the merge, the status of every building, and the district's files."""

from sro_tui.district.database import (
    DistrictDatabaseError,
    default_district_target,
    describe_target,
    open_district_database,
)
from sro_tui.district.merge import MergeRefused, MergeResult, merge_bundle, merge_bundles
from sro_tui.district.send import (
    BUNDLE_KINDS,
    SentBundle,
    describe_last_send,
    last_district_send,
    send_to_district,
)

__all__ = [
    "BUNDLE_KINDS",
    "DistrictDatabaseError",
    "MergeRefused",
    "MergeResult",
    "SentBundle",
    "default_district_target",
    "describe_last_send",
    "describe_target",
    "last_district_send",
    "merge_bundle",
    "merge_bundles",
    "open_district_database",
    "send_to_district",
]
