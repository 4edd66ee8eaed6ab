"""The repository's own corpus of real third-party media (tests/data/corpus/media-real): its index,
and a check of any set of its files as clips whose names say nothing."""

from __future__ import annotations

import csv
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import opentimelineio as otio

from genflag.check.checker import Checker, CheckOptions
from genflag.findings import Finding

MEDIA_REAL = Path(__file__).resolve().parent / "data" / "corpus" / "media-real"
LOUD_CATEGORIES = ("generative.", "likeness.")


@dataclass
class Row:
    """One INDEX.tsv row."""

    file: str
    label: str
    tool: str
    vendor: str
    evidence: str
    copy: str

    @property
    def path(self) -> Path:
        """The file in the corpus folder."""
        return MEDIA_REAL / self.file


@dataclass
class Outcome:
    """What checking one file found."""

    row: Row
    findings: list[Finding] = field(default_factory=list)

    @property
    def loud(self) -> list[Finding]:
        """Findings of generative or likeness categories."""
        return [f for f in self.findings if f.category.startswith(LOUD_CATEGORIES)]

    @property
    def attributed(self) -> bool:
        """True when a loud finding names the expected tool (tool, vendor or message)."""
        want = self.row.tool.lower()
        return any(want in " ".join(filter(None, (f.tool, f.vendor, f.message))).lower() for f in self.loud)


def rows(label: str | None = None) -> list[Row]:
    """INDEX.tsv rows (of one label)."""
    with open(MEDIA_REAL / "INDEX.tsv", encoding="utf-8", newline="") as handle:
        found = [Row(r["path"], r["label"], r["tool"], r["vendor"], r["evidence"], r["copy"])
                 for r in csv.DictReader(handle, delimiter="\t")]
    return [r for r in found if label is None or r.label == label]


def check_neutrally(selected: list[Row], folder: Path, options: CheckOptions | None = None) -> list[Outcome]:
    """Copy each file under a name that says nothing (m00.jpg...), put each on a clip named clipNN, check."""
    timeline = otio.schema.Timeline("media-real")
    track = otio.schema.Track("V1")
    timeline.tracks.append(track)
    for index, row in enumerate(selected):
        copy = folder / f"m{index:02d}{row.path.suffix.lower()}"
        shutil.copyfile(row.path, copy)
        span = otio.opentime.TimeRange(otio.opentime.RationalTime(0, 24), otio.opentime.RationalTime(24, 24))
        track.append(otio.schema.Clip(name=f"clip{index:02d}", source_range=span,
                                      media_reference=otio.schema.ExternalReference(target_url=str(copy))))
    cut = folder / "media-real.otio"
    otio.adapters.write_to_file(timeline, str(cut))
    options = options or CheckOptions(cache_dir=str(folder / "cache"))
    run = Checker(options).check_paths([str(cut)])
    assert run.errors == []
    outcomes = [Outcome(row) for row in selected]
    for finding in run.findings:
        outcomes[finding.clip_index].findings.append(finding)
    return outcomes
