"""The files the district merges: the CSV contract (merge columns, cell rules, private writes)."""

from sro_tui.exchange.csvfiles import (
    MERGE_COLUMNS,
    ExchangeError,
    ExportColumn,
    read_exchange_csv,
    write_exchange_csv,
)

__all__ = [
    "ExchangeError",
    "ExportColumn",
    "MERGE_COLUMNS",
    "read_exchange_csv",
    "write_exchange_csv",
]
