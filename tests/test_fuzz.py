"""Fuzzing: genflag must never crash, never hang and never write outside its output, whatever the input.

Property-based tests (hypothesis) over timeline JSON (.otio, generated and byte-mutated), CMX 3600
EDL, FCP 7 XML, media headers (PNG chunks, JPEG APP segments with EXIF / XMP / JUMBF, EXR and DPX
headers, MP4 boxes) and ``.genflag.json/.yaml`` sidecars. They drive the real command line
in-process (fast), plus a few runs of the real program. "Never crash" means exit 0, 1 or 2 with no
traceback (3 is an internal error); "never hang" means each example finishes within
fuzz_profiles.EXAMPLE_SECONDS; "never write outside its output" means the sandbox holds nothing
new but the output.

Profiles (tests/fuzz_profiles.py): ``ci`` by default (a few derandomised examples, well under 30 s),
``GENFLAG_FUZZ=long`` or ``--hypothesis-profile=long`` for thousands. docs/security.md explains it.

Crashes found in code another change owns are kept as minimal reproducers marked
``xfail(strict=True)`` at the end of this file: each turns into a failure (XPASS) once fixed.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest

hypothesis = pytest.importorskip("hypothesis")
pytestmark = [pytest.mark.filterwarnings("ignore:Generating overly large repr"), pytest.mark.slow,
              pytest.mark.filterwarnings("ignore::UserWarning:PIL.TiffImagePlugin")]  # as probes/container.py
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from genflag.cli import main as cli_main  # noqa: E402
from genflag.media.probe_runner import ProbeRunner, RunnerOptions  # noqa: E402
from tests import fuzz_inputs as fi  # noqa: E402
from tests.fuzz_profiles import EXAMPLE_SECONDS, active_profile  # noqa: E402

RULES = """\
genflag_rules: 1
pack: {id: test.fuzz, version: "1"}
rules:
  - id: genai.video.magic
    title: Magic
    category: generative.video
    severity: error
    message: "MagicGen in {clip.name} ({metadata.x})"
    match: {by_name: {clip.name|word: magicgen}}
  - id: genai.meta.sidecar
    title: Sidecar generator
    category: generative.image
    severity: warning
    match: {by_sidecar: {sidecar.*|contains: sora}, by_text: {png.*|contains: sora}}
    condition: by_sidecar or by_text
"""
CLEAN_EXITS = {0, 1, 2}


class Hang(Exception):
    """An example ran past its time limit."""


@contextlib.contextmanager
def time_limit(seconds: int | None = None) -> Iterator[None]:
    """Fail (never hang) when the block runs longer than the profile's per-example limit."""
    seconds = seconds or EXAMPLE_SECONDS[active_profile()]

    def expire(signum: int, frame: Any) -> None:
        raise Hang(f"example ran longer than {seconds} s")
    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def sandbox() -> Iterator[Path]:
    """A fresh folder with the rules and a few real media files the generated timelines point at."""
    with tempfile.TemporaryDirectory(prefix="genflag-fuzz-") as folder:
        root = Path(folder)
        (root / "rules.yaml").write_text(RULES, encoding="utf-8")
        media = root / "media"
        media.mkdir()
        (media / "a.png").write_bytes(fi.png_chunk(b"IEND", b"").join([b"\x89PNG\r\n\x1a\n", b""]))
        (media / "b.jpg").write_bytes(b"\xff\xd8\xff\xd9")
        yield root


def listing(root: Path) -> set[str]:
    """Every path under the sandbox, relative."""
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def genflag(*args: object) -> tuple[int, str, str]:
    """Run the command line in-process; return (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli_main([str(a) for a in args])
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def assert_clean_exit(result: tuple[int, str, str], what: str) -> None:
    """Exit 0, 1 or 2 with no traceback."""
    code, _out, err = result
    hypothesis.event(f"{what}: exit {code}")
    assert code in CLEAN_EXITS and "Traceback" not in err, f"{what}: exit {code}: {err[-2000:]}"


def check(root: Path, timeline: Path, *extra: object) -> tuple[int, str, str]:
    return genflag("check", timeline, "--no-default-rules", "--rules", root / "rules.yaml", "--jobs", "1",
                   "--format", "json", "--fail-on", "never", *extra)


def annotate(root: Path, timeline: Path, out: Path, *extra: object) -> tuple[int, str, str]:
    return genflag("annotate", timeline, "-o", out, "--no-default-rules", "--rules", root / "rules.yaml", *extra)


# ---- timelines ---------------------------------------------------------------------------------------

@given(document=fi.timeline)
def test_check_and_annotate_never_crash_on_generated_otio(document: dict[str, Any]) -> None:
    with sandbox() as root, time_limit():
        cut = root / "cut.otio"
        cut.write_text(fi.timeline_json(document), encoding="utf-8")
        before = listing(root)
        assert_clean_exit(check(root, cut, "--no-probe"), "check")
        assert listing(root) == before  # check writes nothing
        result = annotate(root, cut, root / "out.otio", "--no-probe")
        assert_clean_exit(result, "annotate")
        assert listing(root) - before <= {"out.otio"}  # annotate writes only its output
        if result[0] == 0:  # what annotate wrote reads back
            assert check(root, root / "out.otio", "--no-probe")[0] in (0, 1), "annotate's output is unreadable"


_SEED_CUT = fi.timeline_json({
    "OTIO_SCHEMA": "Timeline.1", "name": "seed", "global_start_time": None, "metadata": {},
    "tracks": {"OTIO_SCHEMA": "Stack.1", "name": "", "metadata": {}, "children": [{
        "OTIO_SCHEMA": "Track.1", "name": "V1", "kind": "Video", "metadata": {}, "source_range": None,
        "children": [{"OTIO_SCHEMA": "Clip.2", "name": f"SH0{i}0_{'magicgen' if i % 2 else 'plate'}",
                      "source_range": {"OTIO_SCHEMA": "TimeRange.1",
                                       "start_time": {"OTIO_SCHEMA": "RationalTime.1", "rate": 24.0, "value": 0.0},
                                       "duration": {"OTIO_SCHEMA": "RationalTime.1", "rate": 24.0, "value": 24.0}},
                      "media_references": {"DEFAULT_MEDIA": {"OTIO_SCHEMA": "ExternalReference.1",
                                                             "target_url": "media/a.png", "available_range": None,
                                                             "metadata": {}}},
                      "active_media_reference_key": "DEFAULT_MEDIA", "metadata": {"x": i}, "markers": [],
                      "effects": [], "enabled": True} for i in range(4)]}]}}).encode()


@given(data=fi.mutated(_SEED_CUT))
def test_check_and_annotate_never_crash_on_mutated_otio_bytes(data: bytes) -> None:
    with sandbox() as root, time_limit():
        cut = root / "cut.otio"
        cut.write_bytes(data)
        before = listing(root)
        assert_clean_exit(check(root, cut), "check")
        assert_clean_exit(annotate(root, cut, root / "out.otio", "--no-probe"), "annotate")
        assert listing(root) - before <= {"out.otio"}


@given(text=fi.edl_text, rate=st.sampled_from(["24", "25", "29.97", "30"]))
def test_edl_never_crashes(text: str, rate: str) -> None:
    with sandbox() as root, time_limit():
        cut = root / "cut.edl"
        cut.write_bytes(text.encode("utf-8", "surrogatepass"))
        assert_clean_exit(check(root, cut, "--no-probe", "--rate", rate), "check")
        before = listing(root)
        assert_clean_exit(annotate(root, cut, root / "out.edl", "--no-probe", "--rate", rate), "annotate")
        assert listing(root) - before <= {"out.edl"}


@given(document=fi.fcp_xml)
def test_fcp_xml_never_crashes(document: str) -> None:
    with sandbox() as root, time_limit():
        cut = root / "cut.xml"
        cut.write_bytes(document.encode("utf-8", "surrogatepass"))
        assert_clean_exit(check(root, cut, "--no-probe"), "check")
        before = listing(root)
        assert_clean_exit(annotate(root, cut, root / "out.xml", "--no-probe"), "annotate")
        assert listing(root) - before <= {"out.xml"}


@given(data=st.data())
def test_fcp_xml_never_crashes_on_mutated_bytes(data: st.DataObject) -> None:
    document = data.draw(fi.fcp_xml).encode("utf-8", "surrogatepass")
    mutated = data.draw(fi.mutated(document))
    with sandbox() as root, time_limit():
        cut = root / "cut.xml"
        cut.write_bytes(mutated)
        assert_clean_exit(check(root, cut, "--no-probe"), "check")


# ---- media headers and sidecars ----------------------------------------------------------------------

FACT_TYPES = (str, int, float, bool, list, type(None))


def assert_facts(facts: Any) -> None:
    """What a probe returns: a flat mapping of text keys to plain values."""
    assert isinstance(facts, dict)
    for key, value in facts.items():
        assert isinstance(key, str) and isinstance(value, FACT_TYPES), (key, value)


@given(media=fi.media_files)
def test_media_probes_never_raise(media: tuple[str, bytes]) -> None:
    name, data = media
    with sandbox() as root, time_limit():
        path = root / "media" / name
        path.write_bytes(data)
        with ProbeRunner(RunnerOptions(use_cache=False)) as runner:
            facts = runner.probe_file(str(path))
        assert_facts(facts)


@given(media=fi.media_files)
def test_check_never_crashes_on_hostile_media(media: tuple[str, bytes]) -> None:
    name, data = media
    with sandbox() as root, time_limit():
        (root / "media" / name).write_bytes(data)
        cut = root / "cut.otio"
        cut.write_text(_SEED_CUT.decode().replace("media/a.png", f"media/{name}"), encoding="utf-8")
        assert_clean_exit(check(root, cut, "--cache-dir", root / "cache"), "check")


@given(text=st.one_of(fi.sidecar_json.map(lambda t: ("json", t)), fi.sidecar_yaml.map(lambda t: ("yaml", t))))
def test_sidecars_never_make_a_probe_raise(text: tuple[str, str]) -> None:
    kind, body = text
    with sandbox() as root, time_limit():
        media = root / "media" / "a.png"
        Path(f"{media}.genflag.{kind}").write_bytes(body.encode("utf-8", "surrogatepass"))
        with ProbeRunner(RunnerOptions(use_cache=False)) as runner:
            assert_facts(runner.probe_file(str(media)))


@given(text=st.one_of(fi.sidecar_json.map(lambda t: ("json", t)), fi.sidecar_yaml.map(lambda t: ("yaml", t))))
def test_check_never_crashes_on_hostile_sidecars(text: tuple[str, str]) -> None:
    kind, body = text
    with sandbox() as root, time_limit():
        media = root / "media" / "a.png"
        Path(f"{media}.genflag.{kind}").write_bytes(body.encode("utf-8", "surrogatepass"))
        cut = root / "cut.otio"
        cut.write_bytes(_SEED_CUT)
        assert_clean_exit(check(root, cut, "--cache-dir", root / "cache"), "check")


# ---- the real program --------------------------------------------------------------------------------

@settings(max_examples=4 if active_profile() == "ci" else 200)
@given(document=fi.timeline)
def test_the_real_command_line_never_crashes_or_hangs(document: dict[str, Any]) -> None:
    with sandbox() as root:
        cut = root / "cut.otio"
        cut.write_text(fi.timeline_json(document), encoding="utf-8")
        before = listing(root)
        done = subprocess.run([sys.executable, "-m", "genflag", "annotate", str(cut), "-o", str(root / "out.otio"),
                               "--no-default-rules", "--rules", str(root / "rules.yaml"), "--jobs", "2"],
                              capture_output=True, text=True, timeout=EXAMPLE_SECONDS[active_profile()] * 3,
                              env={**os.environ, "GENFLAG_LOG_DIR": str(root / "logs")})
        assert_clean_exit((done.returncode, done.stdout, done.stderr), "the real command line")
        assert listing(root) - before <= {"out.otio"}


# ---- crashes found by the fuzzer ----------------------------------------------------------------------

@pytest.mark.parametrize("record", [2, 2.5, "text", None, [1], {"findings": 2.0}, {"findings": [1]},
                                    {"findings": [{"rule": 1}]}, {"findings": {"a": 1}}, {"review": 3}])
def test_annotate_replaces_malformed_genflag_metadata_instead_of_crashing(record: Any) -> None:
    """Hand-edited ``metadata.genflag`` (issue 13, defect 8) once ended annotate with exit 3."""
    document = json.loads(_SEED_CUT)
    document["tracks"]["children"][0]["children"][1]["metadata"]["genflag"] = record
    with sandbox() as root:
        cut = root / "cut.otio"
        cut.write_text(json.dumps(document), encoding="utf-8")
        code, out, err = annotate(root, cut, root / "out.otio", "--no-probe")
        assert code == 0, err
        again = annotate(root, root / "out.otio", root / "again.otio", "--no-probe")
        assert again[0] == 0 and (root / "again.otio").read_bytes() == (root / "out.otio").read_bytes()


#: Modules the issue-13 core change owns: crashes found there are recorded here, not fixed here.
@dataclass(frozen=True)
class FoundCrash:
    """A crash the fuzzer found (in the check path: fixed by issue 13's isolation and bounds), with its
    minimal reproducer (a timeline's text, and optionally a sidecar for media/a.png)."""

    name: str
    error: str
    module: str
    timeline: str
    sidecar: str | None = None

    def run(self) -> tuple[int, str, str]:
        """Check the reproducer in a sandbox (probing on)."""
        with sandbox() as root:
            cut = root / "cut.otio"
            cut.write_bytes(self.timeline.encode("utf-8", "surrogatepass"))
            if self.sidecar is not None:
                (root / "media" / "a.png.genflag.json").write_text(self.sidecar, encoding="utf-8")
            return check(root, cut, "--cache-dir", root / "cache")


FOUND_CRASHES = [
    FoundCrash("a top-level JSON object without a schema", "AttributeError", "walk.py", "{}"),
    FoundCrash("an unknown top-level schema", "AttributeError", "walk.py", '{"OTIO_SCHEMA": "Bogus.1"}'),
    FoundCrash("a top-level null", "AttributeError", "walk.py", "null"),
    FoundCrash("a top-level string", "AttributeError", "walk.py", '"text"'),
    FoundCrash("a top-level list", "AttributeError", "walk.py", "[]"),
    FoundCrash("a timeline whose tracks are null", "TypeError", "walk.py", '{"OTIO_SCHEMA": "Timeline.1", "tracks": null}'),
    FoundCrash("a JSON sidecar holding a lone surrogate", "UnicodeEncodeError", "prefilter.py",
               _SEED_CUT.decode(), sidecar='{"ai": "\\ud800"}'),
]
@pytest.mark.parametrize("known", [pytest.param(k, id=k.name) for k in FOUND_CRASHES])
def test_a_crash_the_fuzzer_found_stays_fixed(known: FoundCrash) -> None:
    """Each reproducer once ended the check with exit 3; it must end cleanly (0, 1 or 2)."""
    assert_clean_exit_strictly(known.run(), known.name)


def assert_clean_exit_strictly(result: tuple[int, str, str], what: str) -> None:
    code, _out, err = result
    assert code in CLEAN_EXITS and "Traceback" not in err, f"{what}: exit {code}: {err[-500:]}"
