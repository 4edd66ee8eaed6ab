"""Producer reports (html, csv, json, markdown) and credits; kept tiny because plugin scanning imports it."""

#: Built-in report formats, name -> "module:class", for genflag.builtins to register lazily.
REPORTS: dict[str, str] = {
    "html": "genflag.reports.html:HtmlReport",
    "csv": "genflag.reports.csv_report:CsvReport",
    "json": "genflag.reports.json_report:JsonReport",
    "md": "genflag.reports.markdown:MarkdownReport",
}
