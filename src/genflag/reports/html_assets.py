"""The fixed stylesheet and script of the HTML report (no data ever goes into either)."""

from __future__ import annotations

import base64
import hashlib

#: Category colours (Okabe-Ito first, then Tableau), assigned to categories in sorted order.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0C808",
           "#6A3D9A", "#8C564B", "#17BECF", "#7F7F7F", "#BCBD22")

BASE_CSS = """
:root{--ink:#1d2330;--muted:#5b6475;--line:#e3e6ec;--bg:#f5f6f8;--card:#fff;--err:#b42318;--warn:#a15c07;--ok:#067647}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:var(--bg)}
header{background:#151b28;color:#fff;padding:22px 32px}
header h1{margin:0;font-size:21px;font-weight:600;letter-spacing:.01em}
header p{margin:4px 0 0;color:#b6bfd0;font-size:13px}
main{max-width:1300px;margin:0 auto;padding:24px 32px 40px}
section{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:20px 24px;margin:0 0 20px}
h2{font-size:17px;margin:0 0 4px;overflow-wrap:anywhere}
h3{font-size:12px;margin:20px 0 8px;color:var(--muted);text-transform:uppercase;letter-spacing:.05em}
.path{color:var(--muted);font-size:12px;margin:0 0 14px;overflow-wrap:anywhere}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(140px,1fr));gap:12px;margin:12px 0 4px}
.card{border:1px solid var(--line);border-radius:6px;padding:10px 14px}
.card b{display:block;font-size:22px;font-weight:600;font-variant-numeric:tabular-nums}
.card span{color:var(--muted);font-size:12px}
.card.bad b{color:var(--err)}
.breakdowns{display:grid;grid-template-columns:repeat(auto-fit,minmax(210px,1fr));gap:8px 20px}
.breakdowns table td:first-child{overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:12px;color:var(--muted);font-weight:600;background:#fafbfc}
.num{text-align:right;font-variant-numeric:tabular-nums}
.scroll{overflow-x:auto}
table.findings{table-layout:fixed;width:100%;min-width:1180px}
table.findings td{overflow-wrap:anywhere}
table.findings td.cat{overflow-wrap:normal}
table.findings th{cursor:pointer;user-select:none;white-space:nowrap;position:sticky;top:0}
table.findings th:hover{color:var(--ink)}
table.findings th[aria-sort=ascending]::after{content:" \\25B2";font-size:9px}
table.findings th[aria-sort=descending]::after{content:" \\25BC";font-size:9px}
table.findings td{font-size:13px}
table.findings tr.hl td{background:#eaf1ff}
.tc{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;white-space:nowrap}
.sub{display:block;color:var(--muted);font-size:12px;overflow-wrap:anywhere}
.evidence{color:var(--muted);font-size:12px}
.evidence b{color:var(--ink);font-weight:600}
.evidence code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;color:var(--ink)}
.pill{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;white-space:nowrap;background:#eaecf0;color:#344054}
table.findings .pill{white-space:normal;max-width:100%;overflow-wrap:break-word;line-height:1.3;padding:1px 5px;font-size:11.5px}
.sev-error{background:#fee4e2;color:var(--err)}
.sev-warning{background:#fef0c7;color:var(--warn)}
.ap-pending,.con-unchecked{background:#fef0c7;color:var(--warn)}
.ap-approved,.con-granted,.out-approved{background:#dcfae6;color:var(--ok)}
.ap-stale,.ap-rejected,.con-missing,.con-expired,.con-out_of_scope{background:#fee4e2;color:var(--err)}
.out-cleared{background:#eaecf0;color:#344054}
.sub.warn{color:var(--warn)}
.swatch{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:6px}
.legend{display:flex;flex-wrap:wrap;gap:6px 18px;font-size:12px;color:var(--muted);margin:10px 0 0}
.legend .cov-key{background:#d0d5dd}
svg.cut{width:100%;height:auto;display:block;margin:4px 0}
svg.cut .lane-bg{fill:#f2f4f7}
svg.cut .cov{fill:#d0d5dd}
svg.cut .lab{font-size:12px;fill:#344054}
svg.cut .tick{stroke:#e4e7ec;stroke-width:1}
svg.cut .ticklab{font-size:11px;fill:#667085;text-anchor:middle}
svg.cut .clip{stroke:#fff;stroke-width:.6;cursor:pointer}
svg.cut .clip:hover{stroke:#151b28;stroke-width:1.5}
svg.cut .clip.cleared{opacity:.45}
svg.cut .clip.dim{opacity:.1}
.controls{display:flex;flex-wrap:wrap;gap:10px;align-items:center;position:sticky;top:0;z-index:3;padding:12px 24px}
.controls input,.controls select{font:inherit;padding:6px 10px;border:1px solid #cfd4dc;border-radius:6px;background:#fff;color:var(--ink)}
.controls input{flex:1 1 260px;min-width:200px}
.controls .shown{color:var(--muted);font-size:13px;margin-left:auto}
.problems{border-color:#fda29b;background:#fffbfa}
.problems li{color:var(--err);overflow-wrap:anywhere}
.empty{color:var(--muted);font-style:italic}
footer{color:var(--muted);font-size:12px;text-align:center;padding:0 16px 24px}
"""

SCRIPT = """(function () {
  "use strict";
  var byId = function (id) { return document.getElementById(id); };
  var q = byId("q"), fCat = byId("f-cat"), fSev = byId("f-sev"), fCon = byId("f-con"), fAp = byId("f-ap");
  var shown = byId("shown");
  var rows = Array.prototype.slice.call(document.querySelectorAll("table.findings tbody tr"));
  var clips = {};
  Array.prototype.forEach.call(document.querySelectorAll("svg.cut .clip"), function (r) {
    clips[r.getAttribute("data-f")] = r;
  });
  function apply() {
    if (!q) { return; }
    var text = q.value.trim().toLowerCase(), cat = fCat.value, sev = fSev.value, con = fCon.value;
    var ap = fAp ? fAp.value : "", n = 0;
    rows.forEach(function (r) {
      var ok = (!cat || r.getAttribute("data-cat") === cat) && (!sev || r.getAttribute("data-sev") === sev) &&
        (!con || r.getAttribute("data-con") === con) && (!ap || r.getAttribute("data-ap") === ap) &&
        (!text || r.textContent.toLowerCase().indexOf(text) >= 0);
      r.hidden = !ok;
      if (ok) { n += 1; }
      var clip = clips[r.id];
      if (clip) { clip.classList.toggle("dim", !ok); }
    });
    shown.textContent = n + " of " + rows.length + " findings shown";
  }
  [q, fCat, fSev, fCon, fAp].forEach(function (el) {
    if (el) { el.addEventListener("input", apply); el.addEventListener("change", apply); }
  });
  var collator = new Intl.Collator(undefined, {numeric: true, sensitivity: "base"});
  function key(cell) {
    var v = cell.getAttribute("data-v");
    return v === null ? cell.textContent.trim() : v;
  }
  function isNum(v) { return v === "" || (!isNaN(parseFloat(v)) && isFinite(v)); }
  function sortBy(th) {
    var row = th.parentNode, body = th.closest("table").tBodies[0];
    var col = Array.prototype.indexOf.call(row.children, th);
    var asc = th.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(row.children, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
    var items = Array.prototype.map.call(body.rows, function (r) { return [key(r.cells[col]), r]; });
    var numeric = items.every(function (it) { return isNum(it[0]); });
    items.sort(function (a, b) {
      var d = numeric ? (a[0] === "" ? -Infinity : +a[0]) - (b[0] === "" ? -Infinity : +b[0]) : collator.compare(a[0], b[0]);
      if (d !== d) { d = 0; }
      return asc ? d : -d;
    });
    var frag = document.createDocumentFragment();
    items.forEach(function (it) { frag.appendChild(it[1]); });
    body.appendChild(frag);
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.findings th"), function (th) {
    th.addEventListener("click", function () { sortBy(th); });
    th.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortBy(th); }
    });
  });
  Object.keys(clips).forEach(function (id) {
    clips[id].addEventListener("click", function () {
      var r = byId(id);
      if (!r) { return; }
      rows.forEach(function (x) { x.classList.remove("hl"); });
      r.hidden = false;
      r.classList.add("hl");
      r.scrollIntoView({block: "center"});
    });
  });
  apply();
}());
"""


def column_css(widths: tuple[int, ...]) -> str:
    """CSS classes w<px> giving the findings table's columns their widths."""
    return "".join(f"col.w{w}{{width:{w}px}}" for w in sorted(set(widths)))


def category_css(count: int) -> str:
    """CSS classes c0..cN colouring SVG clips and legend swatches."""
    return "".join(f".c{i}{{fill:{PALETTE[i % len(PALETTE)]};background:{PALETTE[i % len(PALETTE)]}}}"
                   for i in range(max(count, 1)))


def csp_hash(text: str) -> str:
    """The CSP source expression allowing exactly this inline text."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def content_security_policy(style: str, script: str) -> str:
    """A policy that allows only this report's own style and script and no network loads at all."""
    return (f"default-src 'none'; style-src {csp_hash(style)}; script-src {csp_hash(script)}; "
            "img-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'")
