"""The HTML report in a real headless browser (Debian's chromium driven by playwright).

Skips with the reason when chromium or playwright is missing; `scripts/install_test_deps.sh`
installs both. Leaves test-artifacts/report.html and test-artifacts/report.png for a human look.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from genflag.reports.html import render_html
from genflag.reports.model import clip_span
from tests import report_samples as samples
from tests.test_report_html import sample_layout

pytestmark = pytest.mark.integration

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
CHROMIUM = os.environ.get("GENFLAG_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run"]

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed (scripts/install_test_deps.sh)")
if not os.access(CHROMIUM, os.X_OK):
    pytest.skip(f"chromium not found at {CHROMIUM} (scripts/install_test_deps.sh installs Debian's)",
                allow_module_level=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def report_file() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "report.html"
    path.write_text(render_html(samples.sample_run(), {
        "title": "EP101 / EP102 producer report", "generated_at": "2026-09-01T12:00:00+00:00",
        "layouts": {"/shows/ep101/EP101_cut.otio": [sample_layout()]}}), encoding="utf-8")
    return path


@pytest.fixture
def page(browser: Any, report_file: Path) -> Iterator[Any]:
    opened = browser.new_page(viewport={"width": 1400, "height": 1000})
    opened.events = {"dialogs": [], "requests": [], "console": [], "errors": []}
    opened.on("dialog", lambda d: (opened.events["dialogs"].append(d.message), d.dismiss()))
    opened.on("request", lambda r: opened.events["requests"].append(r.url))
    opened.on("console", lambda m: opened.events["console"].append(f"{m.type}: {m.text}"))
    opened.on("pageerror", lambda e: opened.events["errors"].append(str(e)))
    opened.goto(report_file.as_uri())
    yield opened
    opened.close()


def visible_rows(page: Any) -> int:
    return page.locator("table.findings tbody tr:not([hidden])").count()


def test_table_and_lanes_render_and_the_script_runs(page: Any) -> None:
    run = samples.sample_run()
    placed = sum(1 for f in run.findings if clip_span(f))
    assert page.locator("table.findings tbody tr").count() == len(run.findings)
    assert page.locator("svg.cut g.lane").count() == 4
    clips = page.locator("svg.cut rect.clip")
    assert clips.count() == placed
    for index in range(placed):
        box = clips.nth(index).bounding_box()
        assert box is not None and box["width"] >= 1 and box["height"] >= 10
    assert page.inner_text("#shown") == f"{len(run.findings)} of {len(run.findings)} findings shown"


def test_no_script_from_the_data_runs_and_nothing_is_fetched(page: Any) -> None:
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.events["dialogs"] == [] and page.events["errors"] == []
    assert not [m for m in page.events["console"] if "Content Security Policy" in m or "Refused" in m]
    assert page.events["requests"] and all(url.startswith("file://") for url in page.events["requests"])
    assert page.locator("text=<script>window.__pwned=1;alert(1)</script>").count() >= 1  # shown as text


def test_filters_hide_rows_and_dim_their_clips(page: Any) -> None:
    page.select_option("#f-cat", "generative.image")
    assert visible_rows(page) == 1
    assert page.locator("svg.cut rect.clip:not(.dim)").count() == 1
    page.select_option("#f-cat", "")
    page.fill("#q", "sh070")
    assert visible_rows(page) == 1
    assert "SH070 cleared" in page.locator("table.findings tbody tr:not([hidden])").inner_text()
    page.fill("#q", "")
    page.select_option("#f-con", "unchecked")
    assert visible_rows(page) == 2
    assert page.inner_text("#shown") == "2 of 8 findings shown"


def test_sorting_by_record_time_and_back(page: Any) -> None:
    header = page.locator("table.findings").first.locator("th", has_text="In / out")
    header.click()
    assert header.get_attribute("aria-sort") == "ascending"
    values = page.eval_on_selector_all("table.findings tbody tr td:first-child", "c => c.map(x => x.dataset.v)")
    numbers = [float(v) if v else float("-inf") for v in values]
    assert numbers == sorted(numbers)
    header.click()
    assert header.get_attribute("aria-sort") == "descending"
    values = page.eval_on_selector_all("table.findings tbody tr td:first-child", "c => c.map(x => x.dataset.v)")
    numbers = [float(v) if v else float("-inf") for v in values]
    assert numbers == sorted(numbers, reverse=True) and numbers != sorted(numbers)


def test_sorting_a_text_column(page: Any) -> None:
    page.locator("table.findings").first.locator("th", has_text="Track").click()
    tracks = page.eval_on_selector_all("table.findings tbody tr td:nth-child(4)", "c => c.map(x => x.innerText)")
    assert tracks.index("V2") > max(i for i, t in enumerate(tracks) if t == "V1")


def test_clicking_a_clip_highlights_its_row(page: Any) -> None:
    clip = page.locator("svg.cut rect.clip").nth(2)
    row_id = clip.get_attribute("data-f")
    clip.click()
    assert "hl" in (page.get_attribute(f"#{row_id}", "class") or "")


def test_screenshot_for_review(page: Any) -> None:
    target = ARTIFACTS / "report.png"
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 20_000


def test_the_policy_blocks_markup_even_if_escaping_failed(browser: Any, report_file: Path, tmp_path: Path) -> None:
    injected = '<img src=x onerror="window.__pwned=9"><script>window.__pwned=8</script>'
    html = report_file.read_text(encoding="utf-8").replace("<main>", "<main>" + injected, 1)
    without_policy = html.replace('http-equiv="Content-Security-Policy"', 'http-equiv="X-Disabled"', 1)
    results = {}
    for name, text in (("with", html), ("without", without_policy)):
        path = tmp_path / f"{name}.html"
        path.write_text(text, encoding="utf-8")
        opened = browser.new_page()
        opened.goto(path.as_uri())
        opened.wait_for_load_state("load")
        results[name] = opened.evaluate("typeof window.__pwned")
        opened.close()
    assert results == {"with": "undefined", "without": "number"}  # the control shows the probe can fail


def approval_run() -> Any:
    """A run with every badge a producer sees: failing, approved, editor-cleared, stale, rejected, not required."""
    from genflag.findings import RunResult, TimelineResult

    def approval(state: str, summary: str) -> dict[str, Any]:
        return {"state": state, "summary": summary, "required": ["producer"], "missing": [], "not_counted": [],
                "decisions": [{"decision": "approved", "by": "A. Producer", "role": "producer", "ref": "LEGAL-118",
                               "at": "2026-11-02T10:00:00Z", "media": "same" if state == "approved" else "changed"}]}
    findings = [
        samples.finding("SH010_open", start=0, clip_index=0, approval=approval("pending", "needs approval by producer")),
        samples.finding("SH020_approved", start=48, clip_index=1, approval=approval("approved", "approved")),
        samples.finding("SH030_cleared_by_editor", start=96, clip_index=2, status="cleared", requires=[],
                        severity="error", review={"status": "cleared", "by": "Ed"},
                        approval={"state": "not_required"}),
        samples.finding("SH040_stale", start=144, clip_index=3, approval=approval("stale", "media changed")),
        samples.finding("SH050_rejected", start=192, clip_index=4, approval=approval("rejected", "rejected")),
        samples.finding("SH060_warning_cleared", start=240, clip_index=5, status="cleared", severity="warning",
                        requires=[], category="ml.upscale", approval={"state": "not_required"}),
        samples.finding("SH070_likeness", start=288, clip_index=6, category="likeness.face_swap",
                        captures={"performer": "Jane Doe", "consent": "out_of_scope", "consent_record": "C-1"},
                        approval=approval("pending", "needs approval by legal and producer")),
    ]
    return RunResult(results=[TimelineResult(path="/shows/ep101/EP101_cut.otio", findings=findings, clips=9,
                                             timelines=1)], checked_at="2026-09-01T10:00:00+00:00")


@pytest.mark.parametrize("width", [1024, 1400, 1920])
def test_every_badge_fits_its_cell_and_a_cleared_finding_is_not_drawn_as_an_error(
        browser: Any, tmp_path: Path, width: int) -> None:
    path = tmp_path / "badges.html"
    path.write_text(render_html(approval_run(), {"generated_at": "2026-09-01T12:00:00+00:00"}), encoding="utf-8")
    opened = browser.new_page(viewport={"width": width, "height": 1000})
    opened.goto(path.as_uri())
    boxes = opened.eval_on_selector_all("table.findings td .pill", """pills => pills.map(p => {
        const pill = p.getBoundingClientRect(), cell = p.closest('td').getBoundingClientRect();
        const style = getComputedStyle(p.closest('td'));
        return {text: p.textContent, left: pill.left, right: pill.right, cellLeft: cell.left + parseFloat(style.paddingLeft),
                cellRight: cell.right - parseFloat(style.paddingRight), color: getComputedStyle(p).color,
                height: pill.height};
    })""")
    opened.close()
    assert len(boxes) == 2 * 7 + 1  # severity and approval on every row, consent on the likeness row
    overflowing = [b for b in boxes if b["left"] < b["cellLeft"] - 0.5 or b["right"] > b["cellRight"] + 0.5]
    assert overflowing == []
    broken_words = [b["text"] for b in boxes if " " not in b["text"] and b["height"] > 22]  # one line is ~17 px
    assert broken_words == []
    error_red = "rgb(180, 35, 24)"
    texts = {b["text"]: b["color"] for b in boxes}
    assert texts["cleared"] != error_red and texts["approved"] != error_red
    assert texts["error"] == error_red and texts["stale"] == error_red
