"""The files the district merges: the CSV contract (merge columns, cell rules, private writes)."""

from sro_tui.exchange.csvfiles import (
    MERGE_COLUMNS,
    ExchangeError,
    ExportColumn,
    exchange_csv_bytes,
    exchange_file_name,
    finish_interrupted_exports,
    read_exchange_csv,
    write_exchange_csv,
    write_export_set,
)

__all__ = [
    "ExchangeError",
    "ExportColumn",
    "MERGE_COLUMNS",
    "exchange_csv_bytes",
    "exchange_file_name",
    "finish_interrupted_exports",
    "read_exchange_csv",
    "write_exchange_csv",
    "write_export_set",
]
