"""Write the delivery package into a folder: delivery.json, DELIVERY.md, ai_usage_register.csv,
disclosure_map.csv and credits.txt, each atomically (a reader sees the old file or the new one)."""

from __future__ import annotations

import csv
import io
import json
import os
from typing import Any

from ..errors import GenflagError
from ..files.atomic_write import to_bytes, write_atomic
from ..findings import RunResult
from .credits import render_credits_text
from .csv_report import csv_cell
from .markdown import md, table
from .model import format_duration

REGISTER_COLUMNS = ("reel", "timeline_file", "shot", "clip", "track", "record_in", "record_out", "duration_seconds",
                    "tool", "vendor", "category", "purpose", "rules", "approval", "approved_by", "approval_ref",
                    "approval_detail", "consent", "consent_record", "performer", "media", "media_state",
                    "disclosed", "credited")
MAP_COLUMNS = ("reel", "timeline_file", "record_in", "record_out", "duration_seconds", "shots", "categories")
FILES = ("delivery.json", "DELIVERY.md", "ai_usage_register.csv", "disclosure_map.csv", "credits.txt")


def write_package(folder: str, doc: dict[str, Any], run: RunResult, credit_config: dict[str, Any] | None) -> list[str]:
    """Write every file of the package into folder (created if missing); return the paths written."""
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as exc:
        raise GenflagError(f"cannot create the delivery folder: {exc.strerror or exc}", folder) from None
    contents: dict[str, str | bytes] = {"delivery.json": json.dumps(doc, indent=2, ensure_ascii=False) + "\n",
                "DELIVERY.md": delivery_markdown(doc),
                "ai_usage_register.csv": csv_text(REGISTER_COLUMNS, doc["register"]),
                "disclosure_map.csv": csv_text(MAP_COLUMNS, doc["disclosure_map"]),
                "credits.txt": render_credits_text(run, credit_config)}
    written = []
    for name in FILES:
        path = os.path.join(folder, name)
        write_atomic(path, contents[name])
        written.append(path)
    return written


def csv_text(columns: tuple[str, ...], rows: list[dict[str, Any]]) -> bytes:
    """Rows as CSV (formula injection neutralised, lists joined with '; ')."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_cell(_yes_no(row[c])) for c in columns])
    return to_bytes(out.getvalue())


def _yes_no(value: Any) -> Any:
    return ("yes" if value else "no") if isinstance(value, bool) else value


def verdict_lines(doc: dict[str, Any]) -> list[str]:
    """'READY for delivery' or 'NOT READY' with every reason."""
    if doc["ready"]:
        return ["READY for delivery: every generative use is approved for the media in the cut, consent is "
                "granted, and all media was read."]
    return ["NOT READY for delivery:", *[f"- {md(reason, 300)}" for reason in doc["reasons"]]]


def ledger_line(doc: dict[str, Any]) -> str:
    """Where approvals came from, with the ledger head hash a later edit can be checked against."""
    approvals = doc.get("approvals") or {}
    ledger = approvals.get("ledger")
    parts = [f"ledger `{md(ledger['path'], 300)}`, {ledger['records']} record(s), head `{ledger['head']}`"] \
        if ledger else ["no approvals ledger"]
    parts += [f"{md(s['name'], 60)} ({s['records']} record(s))" for s in approvals.get("sources") or []]
    return "Approvals: " + "; ".join(parts) + "."


def delivery_markdown(doc: dict[str, Any]) -> str:
    """The package summary for people: verdict, totals, register, disclosure map, credits, disclosure."""
    totals = doc["totals"]
    disclosure = doc["disclosure"]
    lines = ["# Delivery package: generative AI", "", *verdict_lines(doc), "", ledger_line(doc), "",
             f"AI screen time: {format_duration(totals['ai_screen_seconds'])} over {totals['disclosed_shots']} shot(s) "
             f"(record time with generative or likeness material, overlapping tracks counted once, temp material "
             f"excluded; the disclosure map below adds up to it).", "", "## AI usage register", ""]
    lines += table(("Reel", "Shot", "In", "Out", "Tool", "Category", "Approval", "Approved by", "Ref", "Consent"),
                   ((r["reel"], r["shot"], r["record_in"], r["record_out"], r["tool"], r["category"], r["approval"],
                     r["approved_by"], r["approval_ref"], _consent(r)) for r in doc["register"])) \
        if doc["register"] else ["No generative use."]
    lines += ["", "## Shot disclosure map", ""]
    lines += table(("Reel", "In", "Out", "Duration", "Shots", "Categories"),
                   ((r["reel"], r["record_in"], r["record_out"], format_duration(r["duration_seconds"]),
                     ", ".join(r["shots"]), ", ".join(r["categories"])) for r in doc["disclosure_map"])) \
        if doc["disclosure_map"] else ["Nothing to disclose."]
    lines += ["", "## Credit lines", ""] + ([f"- {md(c['text'], 500)}" for c in doc["credits"]] or ["None."])
    lines += ["", "## Audience disclosure", "",
              md(disclosure["label"], None) if disclosure["required"] else "No disclosure needed.", "",
              md(disclosure["note"], None)]
    return "\n".join(lines) + "\n"


def _consent(row: dict[str, Any]) -> str:
    if row["consent"] == "n/a":
        return ""
    status = "not checked" if row["consent"] == "unchecked" else row["consent"].replace("_", " ")
    return f"{status} {row['consent_record']}".strip()
