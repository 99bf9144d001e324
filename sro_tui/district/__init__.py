"""The district office: each school's send (one bundle), the district's own database (SQLite or
PostgreSQL), the merge, the status of every building, and the district's files."""

from sro_tui import lazy

# Each module and the names it offers; a module is imported the first time one is used.
__getattr__, __dir__, __all__ = lazy.exports(
    __name__,
    {
        "database": [
            "DistrictDatabaseError",
            "default_district_target",
            "describe_target",
            "is_server_url",
            "open_district_database",
        ],
        "demo": [
            "DEMO_BUILDINGS",
            "write_demo_district",
        ],
        "demo_laptops": [
            "DEMO_LAPTOPS",
            "write_demo_laptops",
        ],
        "files": [
            "write_district_report",
            "write_merged_csvs",
        ],
        "identity": [
            "identity_keys",
            "one_row_each",
            "same_school",
        ],
        "laptop": [
            "UNNAMED_LAPTOP",
            "computer_name",
            "laptop_name",
            "set_laptop_name",
        ],
        "merge": [
            "MergeRefused",
            "MergeResult",
            "merge_bundle",
            "merge_bundles",
        ],
        "school_merge": [
            "SchoolMergeRefused",
            "SchoolMergeResult",
            "merge_laptop_bundle",
        ],
        "send": [
            "BUNDLE_KINDS",
            "SentBundle",
            "describe_last_send",
            "last_district_send",
            "send_to_district",
        ],
        "state_reports": [
            "district_school_years",
            "district_state_overview",
            "district_state_records",
            "newest_school_year",
            "write_district_state_report",
            "write_district_state_reports",
        ],
        "status": [
            "DEFAULT_STALE_DAYS",
            "LaptopSummary",
            "SchoolSummary",
            "district_status",
            "school_detail",
        ],
    },
)
