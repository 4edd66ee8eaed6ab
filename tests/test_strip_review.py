"""`genflag strip` keeps editors' review marks by default (a delivery cut keeps its sign-offs) and
names them loudly when told to drop them."""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio

from tests.helpers import make_clip, make_timeline, write_otio

REVIEW = {"genflag": {"review": {"status": "cleared", "by": "A. Producer", "note": "LEGAL-118"}}}


def cut(tmp_path: Path) -> str:
    clips = [make_clip("SH010_plate"), make_clip("SH100_sky_v002", metadata=REVIEW)]
    return write_otio(make_timeline(("V1", clips)), tmp_path / "cut.otio")


def review_of(path: Path) -> object:
    timeline = otio.adapters.read_from_file(str(path))
    clip = next(c for c in timeline.find_clips() if c.name == "SH100_sky_v002")
    review = clip.metadata.get("genflag", {}).get("review")
    return None if review is None else dict(review)


def test_strip_keeps_review_marks_by_default_and_says_so(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "delivery.otio"
    result = run_cli("strip", cut(tmp_path), "-o", out)
    assert result.code == 0 and review_of(out)["by"] == "A. Producer"  # type: ignore[index]
    assert "kept editors' review marks on 1 clip(s): SH100_sky_v002 (cleared by A. Producer)" in result.out


def test_strip_drop_review_removes_them_and_names_every_one_on_stderr(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "delivery.otio"
    result = run_cli("strip", cut(tmp_path), "-o", out, "--drop-review")
    assert result.code == 0 and review_of(out) is None
    assert result.err.startswith("warning: DROPPED editors' review marks (genflag.review) from 1 clip(s): "
                                 "SH100_sky_v002 (cleared by A. Producer).")
    assert "never only in the timeline" in result.err


def test_a_dry_run_says_what_it_would_drop(run_cli, tmp_path: Path) -> None:
    result = run_cli("strip", cut(tmp_path), "--dry-run", "--drop-review")
    assert "warning: would drop editors' review marks" in result.err and "clip(s) would change" in result.out
