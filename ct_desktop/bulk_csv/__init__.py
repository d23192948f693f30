"""Bulk CSV: one row per location and month, one column per field key, for care groups that keep
their figures in spreadsheets. No Qt and no SQL: everything goes through the Store.

Columns: ``location_id``, ``location_name``, ``service_type``, ``period`` (YYYY-MM), then the field
keys of the questions asked (care homes first, each in form order). A cell holds the answer as typed
on the command line (lists joined with ``;``); ``?`` is "not known", empty leaves the saved answer
as it is, and ``-`` clears it.

- export: export_table() then csv_text() and write_text();
- import: read_source() and read_table(), check_table() (every problem, with row and column; nothing
  saved), then import_checked() (one transaction per row).
"""

from ct_desktop.bulk_csv.check import ImportPlan, Problem, RowPlan, check_table
from ct_desktop.bulk_csv.export import Export, export_table
from ct_desktop.bulk_csv.files import (
    CsvTable,
    CsvUnreadable,
    csv_text,
    delimiter_from_option,
    read_source,
    read_table,
    write_text,
)
from ct_desktop.bulk_csv.importing import ImportOutcome, ImportRefused, RowResult, import_checked

__all__ = [
    "CsvTable",
    "CsvUnreadable",
    "Export",
    "ImportOutcome",
    "ImportPlan",
    "ImportRefused",
    "Problem",
    "RowPlan",
    "RowResult",
    "check_table",
    "csv_text",
    "delimiter_from_option",
    "export_table",
    "import_checked",
    "read_source",
    "read_table",
    "write_text",
]
