"""HTML report, parsed without a browser: escaping, the one fixed script, CSP, rows, lanes, layouts."""

from __future__ import annotations

import base64
import hashlib
import re
import time
from html.parser import HTMLParser
from pathlib import Path

import opentimelineio as otio

from genflag.findings import RunResult, TimelineResult
from genflag.reports.html import render_html
from genflag.reports.html_assets import SCRIPT
from genflag.reports.layout import CutLayout, Lane, layout_of, read_layouts
from genflag.reports.measures import merge_spans
from genflag.reports.model import clip_span
from tests import report_samples as samples
from tests.conftest import corpus_dir
from tests.helpers import make_clip, trange

HOSTILE = (samples.SCRIPT_NAME, samples.IMG_NAME, samples.SVG_NAME)


class Elements(HTMLParser):
    """Collect start tags with their attributes, and the text of script elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False if tag == "script" else self._in_script

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data

    def having(self, tag: str, cls: str | None = None) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag and (cls is None or cls in (a.get("class") or "").split())]


def parse(html: str) -> Elements:
    parser = Elements()
    parser.feed(html)
    parser.close()
    return parser


def sample_layout() -> CutLayout:
    lanes = [Lane("V2", "Video", 1, [(3600.0, 3605.0)]), Lane("V1", "Video", 0, [(3600.0, 3620.0)]),
             Lane("A1", "Audio", 2, [(3600.0, 3620.0)])]
    return CutLayout("EP101 cut", 3600.0, 3620.0, lanes, 42)


def sample_html() -> str:
    return render_html(samples.sample_run(), {"generated_at": "2026-09-01T12:00:00+00:00",
                                              "layouts": {"/shows/ep101/EP101_cut.otio": [sample_layout()]}})


def test_hostile_names_never_appear_as_markup() -> None:
    html = sample_html()
    for name in HOSTILE:
        assert name not in html
    assert "&lt;script&gt;window.__pwned=1" in html
    parsed = parse(html)
    assert len(parsed.having("script")) == 1
    assert parsed.having("img") == []
    assert all(not key.startswith("on") for _, attrs in parsed.tags for key in attrs)


def test_the_only_script_is_the_fixed_one_and_the_csp_allows_only_it() -> None:
    html = sample_html()
    parsed = parse(html)
    assert parsed.scripts == [SCRIPT]
    csp = next(a["content"] or "" for a in parsed.having("meta") if a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp
    digest = base64.b64encode(hashlib.sha256(SCRIPT.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in csp
    style = re.search(r"<style>(.*?)</style>", html, re.DOTALL).group(1)  # type: ignore[union-attr]
    assert base64.b64encode(hashlib.sha256(style.encode()).digest()).decode() in csp


def test_no_external_loads() -> None:
    parsed = parse(sample_html())
    for tag, attrs in parsed.tags:
        for key in ("src", "srcset", "action", "data", "poster"):
            assert key not in attrs, (tag, attrs)
        assert (attrs.get("href") or "#").startswith("#"), (tag, attrs)
    assert parsed.having("link") == [] and parsed.having("iframe") == []


def test_one_row_and_one_drawn_clip_per_finding() -> None:
    run = samples.sample_run()
    parsed = parse(sample_html())
    rows = [a for a in parsed.having("tr") if (a.get("id") or "").startswith("f")]
    assert len(rows) == len(run.findings)
    clips = parsed.having("rect", "clip")
    assert len(clips) == sum(1 for f in run.findings if clip_span(f))
    assert {c["data-f"] for c in clips} <= {r["id"] for r in rows}
    assert {r["data-cat"] for r in rows} == {f.category for f in run.findings}


def test_lanes_follow_the_layout_plus_tracks_only_findings_name() -> None:
    parsed = parse(sample_html())
    assert len(parsed.having("g", "lane")) == 4  # V2, V1, A1 from the layout + the hostile track name
    assert len(parsed.having("rect", "cov")) == 3


def test_empty_timeline_and_unplaced_findings_are_stated() -> None:
    html = sample_html()
    assert "No flagged clips in this timeline." in html
    assert "1 finding(s) have no record position" in html
    assert html.count('<section class="timeline"') == 2
    assert "<h2>Total</h2>" in html


def test_run_with_no_findings_renders_without_controls() -> None:
    html = render_html(RunResult(results=[TimelineResult(path="empty.otio")]), {})
    parsed = parse(html)
    assert parsed.having("input") == [] and parsed.having("table", "findings") == []
    assert "<h2>Summary</h2>" in html and "No clips to draw." in html


def test_long_names_are_cut_in_cells_with_the_full_name_in_a_title() -> None:
    html = sample_html()
    assert "x" * 2001 not in html
    assert "x" * 1000 in html  # the bounded title attribute keeps far more than the cell


def test_layout_of_a_real_timeline_merges_coverage_per_track() -> None:
    timeline = otio.schema.Timeline(name="cut")
    timeline.global_start_time = otio.opentime.RationalTime(86400, 24)
    video, audio = otio.schema.Track(name="V1"), otio.schema.Track(name="A1", kind=otio.schema.TrackKind.Audio)
    video.extend([make_clip("a", "/m/a.mov", 24), make_clip("b", "/m/b.mov", 48),
                  otio.schema.Gap(source_range=trange(0, 24)), make_clip("c", None, 24)])
    audio.append(make_clip("d", "/m/d.wav", 72))
    timeline.tracks.extend([video, audio])
    layout = layout_of(timeline)
    assert [lane.name for lane in layout.lanes] == ["V1", "A1"]
    assert layout.lanes[0].spans == [(3600.0, 3603.0), (3604.0, 3605.0)]
    assert layout.lanes[1].spans == [(3600.0, 3603.0)]
    assert (layout.start, layout.end, layout.clips) == (3600.0, 3605.0, 4)


def test_merge_spans_joins_touching_and_overlapping() -> None:
    assert merge_spans([(5, 6), (0, 1), (1, 2), (1.5, 3)]) == [(0, 3), (5, 6)]
    assert merge_spans([]) == []


def test_layouts_of_a_corpus_timeline() -> None:
    path = corpus_dir("timelines") / "OpenTimelineIO" / "multitrack.otio"
    layouts = read_layouts(path)
    assert len(layouts) == 1 and len(layouts[0].lanes) == 3
    assert layouts[0].clips == 5 and layouts[0].end > layouts[0].start


def test_unreadable_timeline_has_no_layout(tmp_path: Path) -> None:
    bad = tmp_path / "bad.otio"
    bad.write_text("{not json", encoding="utf-8")
    assert read_layouts(bad) == [] and read_layouts(tmp_path / "missing.otio") == []


def test_twenty_thousand_findings_render_quickly() -> None:
    findings = [samples.finding(f"SH{i:05d}", start=i * 24, clip_index=i, track=f"V{1 + i % 3}") for i in range(20_000)]
    run = RunResult(results=[TimelineResult(path="big.otio", findings=findings, clips=20_000)])
    started = time.perf_counter()
    html = render_html(run, {})
    elapsed = time.perf_counter() - started
    assert html.count('class="clip ') == 20_000
    assert elapsed < 8.0, f"rendering 20k findings took {elapsed:.1f}s"
