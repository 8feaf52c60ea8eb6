"""The statistics page's downloads: exactly the tables the page shows, with the same
published values ("<5" and the secondary mark stay as they are, issue 20.5). CSV in the
page's language for a spreadsheet; JSON with each row's and table's key for a program."""

import csv
import io
from typing import Any

import msgspec

from app.i18n import gettext_for


def as_json(report: dict[str, Any]) -> bytes:
    period = report["period"]
    document = {
        "period": period.code,
        "kind": period.kind,
        "first_day": period.first.isoformat(),
        "end_day": period.end.isoformat(),
        "tables": [
            {
                "id": table["id"],
                "title": table["title"],
                "columns": table["header"],
                "rows": [
                    {"key": row["key"], "label": row["label"], "values": row["cells"]}
                    for row in table["rows"]
                ],
            }
            for table in report["tables"]
        ],
    }
    return msgspec.json.encode(document)


def as_csv(report: dict[str, Any]) -> str:
    """One line per published value: table, row, column, value; the heading in the page's
    language like the rest (the Danish file began with English words)."""
    _ = gettext_for(report.get("language", "en"))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Period"), _("Table"), _("Row"), _("Column"), _("Value")])
    for table in report["tables"]:
        for row in table["rows"]:
            for column, value in zip(table["header"][1:], row["cells"], strict=True):
                writer.writerow(
                    [report["period"].code, table["title"], row["label"], column, value]
                )
    return out.getvalue()
