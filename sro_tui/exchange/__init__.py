"""The files the district merges: the CSV contract (merge columns, cell rules, private writes)
and the district bundle (one send: the year's CSVs and a manifest, verified when read)."""

from sro_tui.exchange.bundle import (
    Bundle,
    BundleError,
    BundleFileSpec,
    find_bundles,
    neutralise_cell,
    open_bundle,
    restore_cell,
    write_bundle,
)
from sro_tui.exchange.csvfiles import (
    MERGE_COLUMNS,
    ExchangeError,
    ExportColumn,
    read_exchange_csv,
    write_exchange_csv,
)

__all__ = [
    "Bundle",
    "BundleError",
    "BundleFileSpec",
    "ExchangeError",
    "ExportColumn",
    "MERGE_COLUMNS",
    "find_bundles",
    "neutralise_cell",
    "open_bundle",
    "read_exchange_csv",
    "restore_cell",
    "write_bundle",
    "write_exchange_csv",
]
