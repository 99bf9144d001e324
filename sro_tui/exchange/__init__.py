"""The files the district merges: the CSV contract (merge columns, cell rules, private writes)
and the district bundle (one send: the year's CSVs and a manifest, verified when read)."""

from sro_tui import lazy

# Each module and the names it offers; a module is imported the first time one is used.
__getattr__, __dir__, __all__ = lazy.exports(
    __name__,
    {
        "csvfiles": [
            "ExchangeError",
            "ExportColumn",
            "MERGE_COLUMNS",
            "read_exchange_csv",
            "write_exchange_csv",
        ],
        "bundle": [
            "Bundle",
            "BundleError",
            "BundleFileSpec",
            "find_bundles",
            "neutralise_cell",
            "open_bundle",
            "restore_cell",
            "write_bundle",
        ],
    },
)
