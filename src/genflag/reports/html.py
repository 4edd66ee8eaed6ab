"""Self-contained HTML report: summary, a picture of each cut and a sortable, filterable findings table.

Every value from a timeline, rule or media file is escaped server-side; the page's only script
is a fixed one (sorting, filtering) allowed by hash in a Content-Security-Policy that also forbids
every network load, so the file is safe to open from an email attachment.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from functools import lru_cache
from html import escape
from pathlib import PurePath
from typing import Any

from .. import __version__
from ..findings import Finding, RunResult, TimelineResult
from ..output.status_text import approvals_summary, media_words
from ..plugins import ReportFormat
from ..safe_text import display as clean
from .html_assets import (
    BASE_CSS,
    SCRIPT,
    category_css,
    column_css,
    content_security_policy,
)
from .lanes import render_lanes
from .layout import CutLayout
from .model import (
    APPROVAL_STATUSES,
    Summary,
    approval_status,
    clip_span,
    finding_row,
    format_duration,
    pack_label,
    sorted_findings,
    summarize_run,
    summarize_timeline,
)

NAME_LIMIT = 120
SCREEN_TIME_NOTE = ("record time with at least one generative or likeness clip in the cut, overlapping tracks "
                    "counted once, temp and previs material excluded: the same measure as genflag credits")
MEDIA_NOTE = "distinct media files genflag could not read: their clips' provenance is not checked"
CONSENT_LABELS = {"unchecked": "not checked", "out_of_scope": "out of scope"}
TITLE_LIMIT = 2000
#: Findings table columns and their widths in pixels (a fixed layout keeps hostile names from squeezing columns).
TABLE_COLUMNS = (("In / out", 100), ("Shot", 100), ("Clip / media", 150), ("Track", 60),
                 ("Tool / vendor", 116), ("Category", 124), ("Severity", 90), ("Requires", 92),
                 ("Approval", 96), ("Consent", 104), ("Rule / evidence", 148))


def e(value: object, limit: int | None = NAME_LIMIT) -> str:
    """Escape untrusted text for HTML content or a quoted attribute (one line, bounded)."""
    return _escaped(value if isinstance(value, str) else ("" if value is None else str(value)), limit)


def bdi(value: object, limit: int | None = NAME_LIMIT) -> str:
    """Escaped text isolated for bidi (a right-to-left name cannot reorder its neighbours)."""
    return _isolated(value if isinstance(value, str) else ("" if value is None else str(value)), limit)


@lru_cache(maxsize=4096)  # tools, vendors, tracks and categories repeat on every row
def _escaped(text: str, limit: int | None) -> str:
    return escape(clean(text, limit), quote=True)


@lru_cache(maxsize=4096)
def _isolated(value: str, limit: int | None) -> str:
    text = clean(value, limit)
    full = clean(value, TITLE_LIMIT)
    title = f' title="{escape(full, quote=True)}"' if full != text else ""
    return f"<bdi{title}>{escape(text, quote=True)}</bdi>"


class _Page:
    """Builds one report page; ids and colour classes are assigned here, never taken from data."""

    def __init__(self, run: RunResult, options: dict[str, Any]) -> None:
        self.run, self.options = run, options
        self.layouts: dict[str, list[CutLayout]] = options.get("layouts") or {}
        categories = sorted({f.category for f in run.findings})
        self.colour = {cat: f"c{i}" for i, cat in enumerate(categories)}
        self.row_ids: dict[int, str] = {}

    def render(self) -> str:
        style = BASE_CSS + category_css(len(self.colour)) + column_css(tuple(w for _, w in TABLE_COLUMNS))
        body = "".join([self._header(), "<main>", self._problems(), self._total(), self._controls(),
                        *(self._timeline(i, r) for i, r in enumerate(self.run.results)), "</main>",
                        f"<footer>genflag {e(__version__)} · self-contained report: it loads nothing from the network.</footer>"])
        title = self.options.get("title") or "Generative AI report"
        return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                f"<meta http-equiv=\"Content-Security-Policy\" content=\"{content_security_policy(style, SCRIPT)}\">"
                "<meta name=\"referrer\" content=\"no-referrer\">"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                f"<title>{e(title)}</title><style>{style}</style></head><body>{body}"
                f"<script>{SCRIPT}</script></body></html>\n")

    # ----------------------------------------------------------------- header and totals
    def _header(self) -> str:
        when = self.options.get("generated_at") or datetime.now(timezone.utc).isoformat(timespec="seconds")
        bits = [f"Generated {e(when)}"]
        if self.run.checked_at:
            bits.append(f"checked {e(self.run.checked_at)}")
        bits.append(f"rule pack {e(pack_label(self.run.rule_pack), 300)}")
        bits.append(f"{len(self.run.results)} timeline file{'s' if len(self.run.results) != 1 else ''}")
        bits.append(e(approvals_line(self.run), 600))
        title = self.options.get("title") or "Generative AI report"
        return f"<header><h1>{bdi(title)}</h1><p>{' · '.join(bits)}</p></header>"

    def _problems(self) -> str:
        errors = [(r.path, msg) for r in self.run.results for msg in r.errors]
        if not errors and not self.run.interrupted:
            return ""
        items = "".join(f"<li>{bdi(msg, 500)}</li>" for _, msg in errors[:500])
        more = f"<li>… and {len(errors) - 500} more</li>" if len(errors) > 500 else ""
        note = "<p>The run was interrupted: this report is incomplete.</p>" if self.run.interrupted else ""
        return f'<section class="problems"><h2>Problems</h2>{note}<ul>{items}{more}</ul></section>'

    def _total(self) -> str:
        several = len(self.run.results) > 1
        total = summarize_run(self.run)
        parts = [f"<section id=\"total\"><h2>{'Total' if several else 'Summary'}</h2>",
                 self._cards(total), self._breakdowns(total)]
        if several:
            parts.append(self._per_timeline_table())
        parts.append("</section>")
        return "".join(parts)

    def _cards(self, s: Summary) -> str:
        cards = [("Flagged clips", s.flagged_clips, False, ""), ("Findings", s.findings, False, ""),
                 ("Clips checked", s.clips, False, ""),
                 ("AI screen time", format_duration(s.disclosed_seconds), False, SCREEN_TIME_NOTE),
                 ("Open errors", s.by_severity.get("error", 0), s.by_severity.get("error", 0) > 0, ""),
                 ("Approval pending", s.by_approval.get("pending", 0), s.by_approval.get("pending", 0) > 0, ""),
                 ("Approval stale or rejected", s.by_approval.get("stale", 0) + s.by_approval.get("rejected", 0),
                  s.by_approval.get("stale", 0) + s.by_approval.get("rejected", 0) > 0, ""),
                 ("Consent missing", *consent_card(s), ""), ("Media not read", *media_card(s), MEDIA_NOTE)]
        return '<div class="cards">' + "".join(_card(*card) for card in cards) + "</div>"

    def _breakdowns(self, s: Summary) -> str:
        blocks = [("Category", s.by_category, True), ("Severity", s.by_severity, False), ("Tool", s.by_tool, False),
                  ("Vendor", s.by_vendor, False), ("Approval", s.by_approval, False),
                  ("Consent", {CONSENT_LABELS.get(k, k): v for k, v in s.by_consent.items()}, False),
                  ("Media", s.by_media, False), ("Evidence", s.by_strength, False)]
        html = "".join(self._count_table(title, counts, swatch) for title, counts, swatch in blocks if counts)
        return f'<div class="breakdowns">{html}</div>'

    def _count_table(self, title: str, counts: dict[str, int], swatch: bool) -> str:
        rows = "".join(
            f"<tr><td>{self._swatch(k) if swatch else ''}{bdi(k, 40)}</td><td class=\"num\">{v}</td></tr>"
            for k, v in counts.items())
        return f"<div><h3>{title}</h3><table><tbody>{rows}</tbody></table></div>"

    def _swatch(self, category: str) -> str:
        return f'<span class="swatch {self.colour.get(category, "c0")}"></span>'

    def _per_timeline_table(self) -> str:
        head = "".join(f"<th{' class=num' if i else ''}>{h}</th>" for i, h in enumerate(
            ("Timeline file", "Clips", "Findings", "Flagged clips", "AI screen time", "Open errors", "Problems")))
        rows = []
        for i, result in enumerate(self.run.results):
            s = summarize_timeline(result)
            cells = (s.clips, s.findings, s.flagged_clips, format_duration(s.disclosed_seconds),
                     s.by_severity.get("error", 0), len(result.errors))
            rows.append(f'<tr><td><a href="#t{i}">{bdi(PurePath(result.path).name or result.path, 120)}</a></td>'
                        + "".join(f'<td class="num">{e(c)}</td>' for c in cells) + "</tr>")
        return f"<h3>Per timeline</h3><div class=\"scroll\"><table><thead><tr>{head}</tr></thead>" \
               f"<tbody>{''.join(rows)}</tbody></table></div>"

    # ----------------------------------------------------------------- filters
    def _controls(self) -> str:
        findings = self.run.findings
        if not findings:
            return ""
        cats = sorted({f.category for f in findings})
        sevs = [s for s in ("error", "warning", "info") if any(f.severity == s for f in findings)]
        cons = sorted({finding_row(f)["consent"] for f in findings})
        aps = [a for a in APPROVAL_STATUSES if any(approval_status(f) == a for f in findings)]
        return ('<section class="controls" aria-label="Filter findings">'
                '<input id="q" type="search" placeholder="Filter by shot, clip, tool, rule…" aria-label="Filter text">'
                + _select("f-cat", "All categories", cats) + _select("f-sev", "All severities", sevs)
                + _select("f-con", "Any consent", cons) + _select("f-ap", "Any approval", aps)
                + f'<span id="shown" class="shown">{len(findings)} findings</span></section>')

    # ----------------------------------------------------------------- one timeline file
    def _timeline(self, index: int, result: TimelineResult) -> str:
        findings = sorted_findings(result.findings)
        for n, finding in enumerate(findings):
            self.row_ids[id(finding)] = f"f{index}-{n}"
        s = summarize_timeline(result)
        name = PurePath(result.path).name or result.path
        heading = (f'<section class="timeline" id="t{index}"><h2>{bdi(name)}</h2>'
                   f'<p class="path">{bdi(result.path, 1000)} · {result.clips} clips · '
                   f'{s.flagged_clips} flagged · {format_duration(s.disclosed_seconds)} AI screen time</p>')
        parts = [heading, self._pictures(result, findings), self._table(findings), "</section>"]
        return "".join(parts)

    def _pictures(self, result: TimelineResult, findings: Sequence[Finding]) -> str:
        by_name: dict[str, list[Finding]] = defaultdict(list)
        for finding in findings:
            by_name[finding.timeline_name].append(finding)
        layouts = {layout.timeline_name: layout for layout in self.layouts.get(result.path, [])}
        names = list(dict.fromkeys([*layouts, *by_name]))
        pictures = [self._picture(name, layouts.get(name), by_name.get(name, []), len(names) > 1) for name in names]
        unplaced = sum(1 for f in findings if clip_span(f) is None)
        note = f'<p class="empty">{unplaced} finding(s) have no record position and are not drawn.</p>' if unplaced else ""
        if not any(pictures):
            return (note or '<p class="empty">No clips to draw.</p>')
        return "".join(pictures) + self._legend({f.category for f in findings}) + note

    def _picture(self, name: str, layout: CutLayout | None, findings: list[Finding], titled: bool) -> str:
        svg = render_lanes(layout, findings, self.row_ids, self.colour)
        if not svg:
            return ""
        title = f"<h3>Cut: {bdi(name or '(unnamed)', 120)}</h3>" if titled or name else "<h3>Cut</h3>"
        return title + svg

    def _legend(self, categories: Iterable[str]) -> str:
        items = "".join(f"<span>{self._swatch(c)}{bdi(c, 80)}</span>" for c in sorted(categories))
        return f'<div class="legend">{items}<span><span class="swatch cov-key"></span>other clips</span></div>'

    def _table(self, findings: Sequence[Finding]) -> str:
        if not findings:
            return '<p class="empty">No flagged clips in this timeline.</p>'
        cols = "".join(f'<col class="w{width}">' for _, width in TABLE_COLUMNS)
        head = "".join(f'<th tabindex="0" scope="col">{label}</th>' for label, _ in TABLE_COLUMNS)
        rows = "".join(self._row(f) for f in findings)
        return (f'<h3>Flagged clips</h3><div class="scroll"><table class="findings"><colgroup>{cols}</colgroup>'
                f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>")

    def _row(self, finding: Finding) -> str:
        row = finding_row(finding)
        span = clip_span(finding)
        start = f"{span[0]:.6f}" if span else ""
        cells = [
            (f'<td class="tc" data-v="{start}">{e(row["record_in"], 40)}'
             f'<span class="sub">{e(row["record_out"], 40)}</span></td>'),
            f"<td>{bdi(row['shot'])}</td>",
            f'<td>{bdi(row["clip"])}<span class="sub">{bdi(row["media"], 300)}</span>{_media_note(finding)}</td>',
            f"<td>{bdi(row['track'], 60)}</td>",
            f'<td>{bdi(row["tool"], 80)}<span class="sub">{bdi(row["vendor"], 80)}</span></td>',
            f'<td class="cat">{self._swatch(row["category"])}{_dotted(row["category"])}</td>',
            _severity_cell(finding),
            f"<td>{e(', '.join(row['requires']), 120)}</td>",
            _approval_cell(finding, row),
            self._consent_cell(row), self._evidence_cell(finding, row["rule"]),
        ]
        attrs = (f'id="{self.row_ids[id(finding)]}" data-cat="{e(row["category"], None)}" '
                 f'data-sev="{e(row["severity"], None)}" data-con="{e(row["consent"], None)}" '
                 f'data-ap="{e(row["approval"], None)}"')
        return f"<tr {attrs}>{''.join(cells)}</tr>"

    def _consent_cell(self, row: dict[str, Any]) -> str:
        if row["consent"] == "n/a":
            return '<td data-v=""></td>'
        status = row["consent"]
        performer = f'<span class="sub">{bdi(row["performer"], 80)}</span>' if row["performer"] else ""
        record = f'<span class="sub">{bdi(row["consent_record"], 80)}</span>' if row["consent_record"] else ""
        return (f'<td data-v="{e(status)}"><span class="pill con-{e(status, 20)}">'
                f'{e(CONSENT_LABELS.get(status, status.replace("_", " ")))}</span>{performer}{record}</td>')

    def _evidence_cell(self, finding: Finding, rule: str) -> str:
        items = [f"<b>{bdi(rule, 120)}</b>"] + [f"<code>{e(ev.field, 80)}</code> {e(ev.matched, 80)}: {bdi(_value_text(ev.value), 120)}"
                 for ev in finding.evidence[:6]]
        if len(finding.evidence) > 6:
            items.append(f"… {len(finding.evidence) - 6} more")
        return f'<td class="evidence">{"<br>".join(items)}</td>'


def _card(label: str, value: object, bad: bool, note: str) -> str:
    title = f' title="{e(note, None)}"' if note else ""
    return f'<div class="card{" bad" if bad else ""}"{title}><b>{e(value)}</b><span>{label}</span></div>'


def _severity_cell(finding: Finding) -> str:
    """A failing finding's severity badge; an approved or editor-cleared one is not drawn as an error."""
    outcome = finding.outcome()
    severity = e(finding.severity, 20)
    strength = f'<span class="sub">{e(finding.strength, 20)} evidence</span>' if finding.strength else ""
    if outcome == finding.severity:
        return f'<td data-v="{severity}"><span class="pill sev-{severity}">{severity}</span>{strength}</td>'
    return (f'<td data-v="{severity}"><span class="pill out-{outcome}">{outcome}</span>'
            f'<span class="sub">{severity} rule</span>{strength}</td>')


def _approval_cell(finding: Finding, row: dict[str, Any]) -> str:
    """The approval badge, who approved (or what is missing), and an editor's review kept apart."""
    status = row["approval"]
    subs = []
    if row["approved_by"]:
        subs.append(f"{row['approved_by']}, ref {row['approval_ref']}")
    elif status in ("stale", "rejected", "pending") and row["approval_detail"]:
        subs.append(row["approval_detail"])
    if row["editor_review"]:
        subs.append(f"editor review: {row['editor_review']} (not an approval)")
    detail = "".join(f'<span class="sub">{bdi(text, 300)}</span>' for text in subs)
    return f'<td data-v="{e(status)}"><span class="pill ap-{status.replace(" ", "-")}">{e(status)}</span>{detail}</td>'


def _media_note(finding: Finding) -> str:
    words = media_words(finding)
    return f'<span class="sub warn">{e(words, 120)}</span>' if words else ""


def consent_card(s: Summary) -> tuple[str, bool]:
    """The consent card's value: the missing count, or 'not checked' when no registry was applied."""
    unchecked = s.by_consent.get("unchecked", 0)
    if unchecked:
        return f"not checked ({unchecked})", True
    return str(s.consent_problems()), s.consent_problems() > 0


def media_card(s: Summary) -> tuple[str, bool]:
    """The media card's value: media not read, 'not checked' when nothing was probed or recorded."""
    if not s.by_media:
        return "not recorded", True
    if set(s.by_media) <= {"not_probed", "no_media"} and s.by_media.get("not_probed"):
        return "not checked", True
    read = s.by_media.get("read", 0)
    unread = s.media_not_read() + s.by_media.get("not_probed", 0)
    return f"{unread} of {read + unread}", unread > 0


def approvals_line(run: RunResult) -> str:
    """The header's approvals note: the ledger and its head hash, or that none was in use."""
    return approvals_summary(run) or "approvals: not applied"


def _dotted(category: str) -> str:
    """A category with line-break opportunities after its dots (generative.<wbr>video)."""
    text = clean(category, 80)
    return "<bdi>" + ".<wbr>".join(escape(part, quote=True) for part in text.split(".")) + "</bdi>"


def _value_text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _select(ident: str, everything: str, values: Iterable[str]) -> str:
    options = "".join(f'<option value="{e(v, None)}">{e(CONSENT_LABELS.get(v, v.replace("_", " ")), 80)}</option>'
                      for v in values)
    return f'<select id="{ident}" aria-label="{everything}"><option value="">{everything}</option>{options}</select>'


def render_html(run: RunResult, options: dict[str, Any] | None = None) -> str:
    """Return the HTML report for a run.

    Options: ``title``, ``generated_at`` (text, for reproducible output) and ``layouts``
    (timeline path -> list of CutLayout, to draw unflagged clips and empty tracks).
    """
    return _Page(run, options or {}).render()


class HtmlReport(ReportFormat):
    """One self-contained HTML page for producers."""

    name = "html"
    suffix = ".html"
    description = "self-contained page: summary, cut picture, sortable/filterable table"

    def render(self, run: RunResult, options: dict[str, Any]) -> str:
        """Return the HTML text."""
        return render_html(run, options)
