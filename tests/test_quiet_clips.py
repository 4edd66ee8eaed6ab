"""Quiet clips (quiet_clips.py): skipping clips an .otio file's text shows no rule can match changes nothing."""

from __future__ import annotations

import json
import os
import random
import re
from pathlib import Path
from typing import Any

import opentimelineio as otio
import pytest
import re2

from genflag.engine import Engine
from genflag.otio_text import searchable_pieces, sequence_target
from genflag.pipeline import Checker, CheckOptions
from genflag.quiet_clips import QuietClipScanner
from genflag.rules.pack import load_pack
from genflag.rules.prefilter import SQUASHED
from genflag.rules.raw_patterns import (
    despaced,
    drop_assertions,
    may_match_number,
    raw_pattern,
    squashed_raw,
    squashed_raw_latin1,
)
from genflag.rules.words import squash
from genflag.source_file import SourceFile
from tests.conftest import DEMO, corpus_dir, generated_cut

RT = otio.opentime.RationalTime


def _results(path: Path, skip: bool, **options: Any) -> tuple[int, list[dict[str, Any]]]:
    checker = Checker(CheckOptions(probe_media=False, skip_quiet_clips=skip, **options))
    result = checker.check_path(str(path))
    assert result.errors == []
    return result.clips, [f.to_dict() for f in result.findings]


def _assert_same(path: Path, **options: Any) -> list[dict[str, Any]]:
    quiet = _results(path, True, **options)
    full = _results(path, False, **options)
    assert quiet == full
    return quiet[1]


def _loud(path: Path, rules: list[str] | None = None, include_default: bool = True) -> Any:
    engine = Engine(load_pack(rules or [], include_default))
    return engine.quiet_scanner().scan_file(SourceFile.before_read(str(path)))


# ---- raw patterns ------------------------------------------------------------------------------

def test_assertions_are_dropped_outside_character_classes_only() -> None:
    assert drop_assertions("^abc$") == "abc"
    assert drop_assertions(r"(?s)^.*\.exr$") == r"(?s).*\.exr"
    assert drop_assertions(r"\bfoo\B|\Abar\z") == "foo|bar"
    assert drop_assertions(r"[^/]+\^x\$") == r"[^/]+\^x\$"
    assert drop_assertions(r"[]^$]x") == r"[]^$]x"
    assert drop_assertions(r"[[:alpha:]^]$") == r"[[:alpha:]^]"
    assert drop_assertions(r"\Qa^b$\E$") == r"\Qa^b$\E"
    assert drop_assertions(r"\p{^Greek}x$") == r"\p{^Greek}x"  # a negated Unicode class stays negated
    assert drop_assertions(r"\x{5E}^") == r"\x{5E}"


def test_word_needles_allow_any_separators_but_never_a_quote() -> None:
    options = re2.Options()
    options.case_sensitive = False
    pattern = re2.compile(squashed_raw("magicgen"), options)
    for text in ("MagicGen", "magic_gen", "MAGIC - GEN", "Magic\u2014Gen", "magic.gen_v3"):
        assert pattern.search(text), text
    assert not pattern.search('magic", "gen')
    assert not pattern.search("magic2gen")
    dotted = re2.compile(squashed_raw("openai"), options)
    assert dotted.search("OPENA\u0130") and squash("OPENA\u0130").startswith("openai")  # İ lowers to i + dot
    latin1_options = re2.Options()
    latin1_options.case_sensitive = False
    latin1_options.encoding = re2.Options.Encoding.LATIN1
    for needle, text in [("openai", "OPENA\u0130"), ("klingai", "\u212aLING\u2014AI"), ("magicgen", "Magic\u00b7Gen")]:
        assert squash(text).startswith(needle[:-1])
        narrow = squashed_raw_latin1(needle)
        assert narrow is not None and re2.compile(narrow.encode(), latin1_options).search(text.encode()), text
    assert squashed_raw_latin1("\u00e9clair") is None  # non-ASCII needles stay in the UTF-8 automaton


def test_raw_patterns_hit_wherever_the_prefilter_hits_a_verbatim_value() -> None:
    """Property over the default pack's anchor patterns and values built around their needles."""
    engine = Engine(load_pack([], True))
    rng = random.Random(11)
    options = re2.Options()
    options.case_sensitive = False
    latin1_options = re2.Options()
    latin1_options.case_sensitive = False
    latin1_options.encoding = re2.Options.Encoding.LATIN1
    patterns = sorted({p for leaf in engine.anchor_leaves() for p in leaf.prefilters})
    separators = ["", "", "_", "-", " ", ".", "/", "\u2014", "\u00b7", "\u00e9"]
    checked = 0
    for pattern in patterns:
        value_pattern = re2.compile(pattern[len(SQUASHED):] if pattern.startswith(SQUASHED) else pattern, options)
        raw = re2.compile(despaced(raw_pattern(pattern)), options)
        narrow = squashed_raw_latin1(pattern[len(SQUASHED):]) if pattern.startswith(SQUASHED) else None
        latin1 = re2.compile(narrow.encode(), latin1_options) if narrow else None
        seed = pattern[len(SQUASHED):] if pattern.startswith(SQUASHED) else re.sub(r"[^0-9A-Za-z .]", "", pattern)
        for _ in range(6):
            chars = [c.upper() if rng.random() < 0.3 else c for c in seed]
            chars = ["\u212a" if c in "kK" and rng.random() < 0.2 else c for c in chars]  # Kelvin sign lowers to k
            text = "".join(c + (rng.choice(separators) if rng.random() < 0.3 else "") for c in chars)
            value = f"{rng.choice(['', 'SH010_', '/mnt/x/'])}{text}{rng.choice(['', '_v001', '.mov'])}"
            subject = squash(value) if pattern.startswith(SQUASHED) else value
            if value_pattern.search(subject):
                checked += 1
                document = json.dumps({"OTIO_SCHEMA": "Clip.2", "name": value}, ensure_ascii=False, indent=4)
                assert raw.search(document.replace(" ", "")), (pattern, value)
                assert latin1 is None or latin1.search(document.replace(" ", "").encode()), (pattern, value)
    assert checked > 1000


def test_despaced_patterns_make_every_space_matching_atom_optional() -> None:
    assert despaced("Steps: [0-9]+, Sampler: ") == "Steps:[0-9]+,Sampler:"
    assert despaced(r"Firefly [^/\\]{92}\.(mp4|mov)") == r"Firefly[^/\\]{0,92}\.(mp4|mov)"
    assert despaced(r"a.*?b\sc[ x]{2,}?d\Qe f\E(?P<g>h i)") == r"a.*?b\s?c[ x]*?d\Qef\E(?P<g>hi)"
    assert despaced("runway[a-z]{3}") == "runway[a-z]{3}"


def test_despaced_patterns_match_the_text_without_its_spaces() -> None:
    """Property: wherever a pattern matches a text, its despaced form matches the text minus spaces."""
    options = re2.Options()
    options.case_sensitive = False
    patterns = [r"a b", r"a.b", r"[^/]{3}x", r"(|\s)--v [4-7]", r"a\s+b", r"(a |b)c", r"[ a]{2}b", r"x.?y",
                r"(?:a b){2}", r"\x20z", r"a[- _]?b", r"(ab|c d)+e"]
    rng = random.Random(3)
    hits = 0
    for pattern in patterns:
        before, after = re2.compile(pattern, options), re2.compile(despaced(pattern), options)
        for _ in range(3000):
            text = "".join(rng.choice("ab  cdxyz/-_v45") for _ in range(rng.randint(0, 12)))
            if before.search(text):
                hits += 1
                assert after.search(text.replace(" ", "")), (pattern, text)
    assert hits > 400


def test_number_capable_patterns_are_recognised() -> None:
    assert may_match_number(r"^[0-9]+$") and may_match_number(SQUASHED + "123") and may_match_number(r"1e\+05")
    assert may_match_number(SQUASHED + "e5") and may_match_number("(?P<x>.)")
    assert not may_match_number(SQUASHED + "runway") and not may_match_number("^sora$")
    assert not may_match_number(r"(^|[/\\])comfyui[/\\]") and not may_match_number("[a-d]x")


# ---- scanning ----------------------------------------------------------------------------------

def _cut(tmp_path: Path, total: int = 600, seed: int = 5) -> Path:
    return generated_cut(tmp_path, total, seed)


def test_generated_cut_gives_the_same_findings_with_and_without_skipping(tmp_path: Path) -> None:
    path = _cut(tmp_path)
    loud = _loud(path)
    assert loud is not None and loud.clip_count == 600
    assert 0 < len(loud.indices) < 100  # the shortcut really skipped most clips
    findings = _assert_same(path)
    assert {f["clip_index"] for f in findings} <= loud.indices
    assert len(findings) >= 10


def test_demo_cut_gives_the_same_findings(tmp_path: Path) -> None:
    assert len(_assert_same(DEMO)) > 5


def test_chunked_scans_agree_with_one_whole_scan(tmp_path: Path) -> None:
    path = _cut(tmp_path, 300)
    scanner = Engine(load_pack([], True)).quiet_scanner()
    text = path.read_bytes()
    whole = scanner.scan(text)
    assert whole is not None
    for size in (97, 1000, 4096, 65536):
        parts = [text[i:i + size] for i in range(0, len(text), size)]
        chunked = scanner.scan_chunks(parts)
        assert chunked is not None and (chunked.indices, chunked.clip_count) == (whole.indices, whole.clip_count)


def test_annotate_writes_the_same_file_either_way_and_reannotation_removes_stale_marks(tmp_path: Path,
                                                                                         run_cli) -> None:
    path = _cut(tmp_path, 400)
    fast, full = tmp_path / "fast.otio", tmp_path / "full.otio"
    assert run_cli("annotate", "--no-probe", path, "-o", fast).code in (0, 1)
    assert run_cli("annotate", "--no-probe", "--evaluate-all", path, "-o", full).code in (0, 1)
    stamp = re.compile(r'"checked_at": "[^"]*"')
    assert stamp.sub("", fast.read_text()) == stamp.sub("", full.read_text())
    # rename every flagged clip to something plain: re-annotating must take genflag's marks off them
    timeline = otio.adapters.read_from_file(str(fast))
    renamed = 0
    for clip in timeline.find_clips():
        if "genflag" in clip.metadata:
            clip.name, clip.media_reference, renamed = f"plain_{renamed}", otio.schema.MissingReference(), renamed + 1
            clip.markers[:] = [m for m in clip.markers if m.name.startswith("[genflag]")]
            clip.effects[:] = []
            for key in [k for k in clip.metadata.keys() if k != "genflag"]:
                del clip.metadata[key]
    otio.adapters.write_to_file(timeline, str(fast))
    before = fast.read_text()
    result = run_cli("annotate", "--no-probe", "--in-place", fast)
    assert renamed > 5 and f"0 finding(s) on 0 clip(s); {renamed} clip(s) changed" in result.out
    assert "genflag" not in fast.read_text() and "genflag" in before


def test_image_sequence_target_is_assembled_before_it_is_searched(tmp_path: Path, write_rules) -> None:
    rules = write_rules("genflag_rules: 1\nrules:\n  - {id: t.comfy, title: t, category: c, severity: info,"
                        " match: {s: {media.target|word: comfyui}}}\n")
    timeline = otio.schema.Timeline(tracks=[otio.schema.Track()])
    for index, (base, prefix) in enumerate([("/mnt/Comfy", "UI."), ("/mnt/plates", "sh010."), ("/x/comfy", "ui")]):
        ref = otio.schema.ImageSequenceReference(target_url_base=base, name_prefix=prefix, name_suffix=".exr",
                                                 frame_zero_padding=4)
        timeline.tracks[0].append(otio.schema.Clip(name=f"c{index}", media_reference=ref,
                                                   source_range=otio.opentime.TimeRange(RT(0, 24), RT(5, 24))))
    path = tmp_path / "seq.otio"
    otio.adapters.write_to_file(timeline, str(path))
    loud = _loud(path, [str(rules)], include_default=False)
    assert loud is not None and loud.indices == {0, 2}  # the word spans base and prefix: only the target shows it
    findings = _assert_same(path, rules=[str(rules)], include_default_rules=False)
    assert [f["clip"] for f in findings] == ["c0", "c2"]
    text = path.read_bytes()
    start = text.index(b"ImageSequenceReference")
    assert sequence_target(text, start, text.index(b"ImageSequenceReference", start + 1)) == b"/mnt/Comfy/UI.####.exr"


def test_texts_the_shortcut_cannot_trust_fall_back_to_full_evaluation(tmp_path: Path) -> None:
    scanner = Engine(load_pack([], True)).quiet_scanner()
    clip = {"OTIO_SCHEMA": "Clip.2", "name": "SH010_runway_gen4"}
    escaped = json.dumps({"OTIO_SCHEMA": "Timeline.1", "name": "a\"b", "tracks": [clip]}).encode()
    assert scanner.scan(escaped) is None
    schema_last = b'{"tracks": [{"name": "x", "OTIO_SCHEMA": "Clip.2"}]}'
    assert scanner.scan(schema_last) is None
    path = _cut(tmp_path, 50)
    source = SourceFile.before_read(str(path))
    assert source is not None
    os.utime(path, ns=(source.mtime_ns + 10**9, source.mtime_ns + 10**9))
    assert scanner.scan_file(source) is None


def test_windows_paths_and_odd_writers_still_check_correctly(tmp_path: Path) -> None:
    timeline = otio.schema.Timeline(tracks=[otio.schema.Track()])
    for name, url in [("SH010_RunwayGen4_v001", "C:\\renders\\sh010.mov"), ("plate", "C:\\plates\\a.mov")]:
        timeline.tracks[0].append(otio.schema.Clip(name=name, media_reference=otio.schema.ExternalReference(url),
                                                   source_range=otio.opentime.TimeRange(RT(0, 24), RT(5, 24))))
    timeline.tracks[0].append(otio.schema.Clip(
        name="plate2", media_reference=otio.schema.ExternalReference("D:\\DeepFaceLab\\data_dst\\merged\\0001.png"),
        source_range=otio.opentime.TimeRange(RT(0, 24), RT(5, 24))))
    path = tmp_path / "win.otio"
    otio.adapters.write_to_file(timeline, str(path))
    loud = _loud(path)
    assert loud is not None and loud.indices == {0, 2}  # escaped backslashes are read as backslashes
    assert [f["clip"] for f in _assert_same(path)] == ["SH010_RunwayGen4_v001", "plate2"]
    scanner = Engine(load_pack([], True)).quiet_scanner()
    text = path.read_bytes()
    for size in range(1, 40):  # pieces that cut an escaped backslash in two still read it whole
        parts = [text[i:i + size] for i in range(0, len(text), size)]
        chunked = scanner.scan_chunks(parts)
        assert chunked is not None and chunked.indices == loud.indices
    for escape in (b'\\"', b"\\u0022", b"\\ud800", b"\\x"):  # a quote would fake structure; the rest is not JSON
        assert scanner.scan(text.replace(b"plate2", b"plate" + escape)) is None
    for escape in (b"\\n", b"\\u00e9", b"\\/", b"\\ud83c\\udfac"):  # decoded as a JSON parser reads them
        assert scanner.scan(text.replace(b"plate2", b"plate" + escape)) is not None


def _searched(text: bytes, size: int) -> bytes | None:
    pieces = list(searchable_pieces(text[i:i + size] for i in range(0, len(text), size)))
    return None if any(piece is None for piece, _ in pieces) else b"".join(piece for piece, _ in pieces)


def test_escapes_are_decoded_as_a_json_parser_reads_them_whatever_the_piece_size() -> None:
    """Random values through json.dumps (both ensure_ascii ways), cut into pieces of every size."""
    rng = random.Random(7)
    alphabet = ["a", "Z", "0", " ", "\\", "/", "\n", "\t", "\x01", "é", "ß", "ソ", "\U0001F3AC", "u", "{", "}", ":"]
    for _ in range(60):
        value = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30)))
        for ascii_only in (True, False):
            text = json.dumps({"name": value}, ensure_ascii=ascii_only).encode("utf-8")
            expected = json.dumps({"name": "§"}, ensure_ascii=False).encode("utf-8").replace(
                "§".encode(), value.encode("utf-8")).translate(None, b" ")
            for size in (1, 2, 3, 5, 7, 11, 13, len(text)):
                assert _searched(text, size) == expected, (value, ascii_only, size)


def test_an_escaped_backslash_before_u_is_not_a_unicode_escape() -> None:
    assert _searched(b'"C:\\\\u0041\\\\"', 3) == b'"C:\\u0041\\"'
    assert _searched(b'"a\\u0041"', 4) == b'"aA"'


def test_a_cut_written_by_pythons_json_module_gets_the_shortcut(tmp_path: Path) -> None:
    timeline = otio.schema.Timeline(tracks=[otio.schema.Track()])
    names = ["Café_plate_v001", "SH010_RunwayGen4_v001", "Sorà_ref", "C:\\renders\\MidJourney\\x.png", "plain"]
    for name in names:
        timeline.tracks[0].append(otio.schema.Clip(name=name, source_range=otio.opentime.TimeRange(RT(0, 24),
                                                                                                  RT(5, 24))))
    path = tmp_path / "python-json.otio"
    path.write_text(json.dumps(json.loads(timeline.to_json_string())), encoding="ascii")  # \u00e9, one line
    assert b"\\u00e9" in path.read_bytes()
    loud = _loud(path)
    assert loud is not None and loud.clip_count == 5 and 1 in loud.indices and 4 not in loud.indices
    assert len(_assert_same(path)) >= 2


def test_packs_the_shortcut_cannot_serve_say_why(write_rules) -> None:
    track_rule = write_rules("genflag_rules: 1\nrules:\n  - {id: t.track, title: t, category: c, severity: info,"
                             " match: {s: {track.name|contains: GEN}}}\n")
    scanner = QuietClipScanner(Engine(load_pack([str(track_rule)], include_default=False)))
    assert not scanner.usable and "track.name" in (scanner.reason or "")
    number_rule = write_rules("genflag_rules: 1\nrules:\n  - {id: t.num, title: t, category: c, severity: info,"
                              " match: {s: {metadata.*|regex: '^1e-05$'}}}\n")
    numbers = QuietClipScanner(Engine(load_pack([str(number_rule)], include_default=False)))
    assert numbers.usable
    text = b'{"OTIO_SCHEMA": "Clip.2", "metadata": {"gain": 0.00001}}'
    loud = numbers.scan(text)
    assert loud is not None and loud.indices == {0}  # written 0.00001, read back as 1e-05


def test_a_numeric_metadata_rule_matches_the_same_clips_either_way(tmp_path: Path, write_rules) -> None:
    rules = write_rules("genflag_rules: 1\nrules:\n  - {id: t.num, title: t, category: c, severity: info,"
                        " match: {s: {metadata.*|regex: '^1e-05$'}}}\n")
    timeline = otio.schema.Timeline(tracks=[otio.schema.Track()])
    for index, gain in enumerate([0.00001, 0.5, 1e-5 * 3]):
        clip = otio.schema.Clip(name=f"c{index}", source_range=otio.opentime.TimeRange(RT(0, 24), RT(5, 24)))
        clip.metadata["gain"] = gain
        timeline.tracks[0].append(clip)
    path = tmp_path / "num.otio"
    otio.adapters.write_to_file(timeline, str(path))
    assert [f["clip"] for f in _assert_same(path, rules=[str(rules)], include_default_rules=False)] == ["c0"]


def test_a_working_collector_turns_the_shortcut_off(tmp_path: Path) -> None:
    path = str(_cut(tmp_path, 50))
    assert Checker(CheckOptions(probe_media=True)).quiet_scan(path) is None  # media facts are not in the text
    assert Checker(CheckOptions(probe_media=False, skip_quiet_clips=False)).quiet_scan(path) is None
    assert Checker(CheckOptions(probe_media=False, adapter="cmx_3600")).quiet_scan(path) is None
    scan = Checker(CheckOptions(probe_media=False)).quiet_scan(path)
    assert scan is not None
    loud = scan.result()
    assert loud is not None and loud.clip_count == 50


def test_a_file_changed_while_it_was_read_is_not_trusted(tmp_path: Path) -> None:
    path = _cut(tmp_path, 50)
    scan = Checker(CheckOptions(probe_media=False)).quiet_scan(str(path))
    assert scan is not None
    stat = path.stat()
    os.utime(path, ns=(stat.st_mtime_ns + 10**9, stat.st_mtime_ns + 10**9))
    assert scan.result() is None


def test_corpus_otio_files_give_the_same_findings_for_rules_built_from_their_own_words(tmp_path: Path,
                                                                                        write_rules) -> None:
    """Differential test on real files from other writers, with rules that do match them."""
    folder = corpus_dir("timelines")
    paths = sorted(folder.rglob("*.otio"))
    assert len(paths) > 10
    words: set[str] = set()
    for path in paths:
        try:
            timeline = otio.adapters.read_from_file(str(path))
        except Exception:
            continue
        for clip in timeline.find_clips() if hasattr(timeline, "find_clips") else []:
            words.update(w for w in re.split(r"[^0-9A-Za-z]+", clip.name or "") if len(w) >= 3)
    chosen = sorted(words)[::max(1, len(words) // 40)]
    comparisons = ["word", "contains", "startswith", "endswith", "regex|i", "glob"]
    fields = ["clip.name", "metadata.*", "media.target", "marker.name", "marker.comment", "media.metadata.*"]
    lines = ["genflag_rules: 1", "rules:"]
    for index, word in enumerate(chosen):
        comparison = comparisons[index % len(comparisons)]
        value = f"*{word}*" if comparison == "glob" else (f"^{word}" if comparison == "regex|i" else word)
        field = fields[index % len(fields)]
        lines.append(f"  - {{id: t.r{index}, title: t, category: c, severity: info,"
                     f" match: {{s: {{{field}|{comparison}: '{value}'}}}}}}")
    rules = write_rules("\n".join(lines) + "\n")
    total = 0
    for path in paths:
        try:
            otio.adapters.read_from_file(str(path))
        except Exception:
            continue
        total += len(_assert_same(path, rules=[str(rules)]))
    assert total > 20  # the rules really match corpus clips, so the comparison means something


def test_sequence_targets_from_other_writers_and_with_decoys() -> None:
    other_order = (b'{"OTIO_SCHEMA": "ImageSequenceReference.1", "name_prefix": "UI.", '
                   b'"target_url_base": "/mnt/Comfy", "frame_zero_padding": 4, "name_suffix": ".exr"}')
    assert sequence_target(other_order, 0, len(other_order)) == b"/mnt/Comfy/UI.####.exr"
    canonical = (b'"target_url_base": "/mnt/Comfy", "name_prefix": "UI.", "name_suffix": ".exr", "start_frame": 1, '
                 b'"frame_step": 1, "rate": 24.0, "frame_zero_padding": 0')
    assert sequence_target(canonical, 0, len(canonical)) == b"/mnt/Comfy/UI.#.exr"
    decoy = b'"metadata": {"target_url_base": "/x"}, ' + canonical
    assert sequence_target(decoy, 0, len(decoy)) is None  # which base is the reference's? unclear: loud
    twice = canonical + b", " + canonical
    assert sequence_target(twice, 0, len(twice)) is None
    assert sequence_target(b'"name_prefix": "a"', 0, 18) is None


def test_a_clip_hidden_in_metadata_makes_the_text_and_the_walk_disagree(tmp_path: Path) -> None:
    """A Clip object stored in metadata is in the text but not in the cut: counts differ, all clips evaluated."""
    timeline = otio.schema.Timeline(tracks=[otio.schema.Track()])
    hidden = otio.schema.Clip(name="SH999_RunwayGen4_v001")
    outer = otio.schema.Clip(name="plate", source_range=otio.opentime.TimeRange(RT(0, 24), RT(5, 24)))
    outer.metadata["vendor"] = {"previous": hidden}
    flagged = otio.schema.Clip(name="SH010_RunwayGen4_v001", source_range=otio.opentime.TimeRange(RT(0, 24), RT(5, 24)))
    timeline.tracks[0].extend([outer, flagged])
    path = tmp_path / "hidden.otio"
    otio.adapters.write_to_file(timeline, str(path))
    loud = _loud(path)
    assert loud is not None and loud.clip_count == 3  # the text counts the hidden clip
    findings = _assert_same(path)  # the walk has 2 clips: the checker falls back to evaluating both
    assert "SH010_RunwayGen4_v001" in [f["clip"] for f in findings]


def test_a_failing_scan_only_costs_the_shortcut(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _cut(tmp_path, 60)
    expected = _results(path, False)

    def broken(self: object, source: object) -> None:
        raise MemoryError("no room for the scan")
    monkeypatch.setattr(QuietClipScanner, "scan_file", broken)
    assert _results(path, True) == expected


def test_rules_list_says_whether_the_pack_allows_the_shortcut(run_cli, write_rules) -> None:
    result = run_cli("rules", "list")
    assert result.code == 0 and result.out.splitlines()[-1] == ".otio quiet-clip shortcut: on"
    track_rule = write_rules("genflag_rules: 1\nrules:\n  - {id: t.track, title: t, category: c, severity: info,"
                             " match: {s: {track.name|contains: GEN}}}\n")
    result = run_cli("rules", "list", "--rules", track_rule)
    assert "shortcut: off (a rule is anchored on track.name" in result.out.splitlines()[-1]
    data = json.loads(run_cli("rules", "list", "--rules", track_rule, "--format", "json").out)
    assert data["quiet_clip_shortcut"]["available"] is False and "track.name" in data["quiet_clip_shortcut"]["reason"]


def test_a_pipe_is_never_read_twice(tmp_path: Path) -> None:
    """A named pipe called .otio: OpenTimelineIO consumed it, so the scan must not wait to read it again."""
    fifo = tmp_path / "cut.otio"
    os.mkfifo(fifo)
    assert SourceFile.before_read(str(fifo)) is None
    assert Checker(CheckOptions(probe_media=False)).quiet_scan(str(fifo)) is None


def test_scanners_with_the_same_patterns_share_one_automaton() -> None:
    """A second checker in a process (a Dask worker's next options) reuses the compiled, warmed automata."""
    first = Engine(load_pack([], True)).quiet_scanner()
    second = Engine(load_pack([], True)).quiet_scanner()
    assert first.ready() and second.ready()
    assert first._regexes[0] is second._regexes[0]  # noqa: SLF001


def test_the_dask_preload_fills_the_caches_later_checkers_share(tmp_path: Path) -> None:
    from genflag import dask_backend
    from genflag.quiet_clips import _compile
    dask_backend.dask_setup()
    hits = _compile.cache_info().hits
    scanner = Checker(CheckOptions(probe_media=False, rules=[])).engine.quiet_scanner()
    assert scanner.ready() and _compile.cache_info().hits > hits


# ---- review fixes: each case was a clip the scan called quiet while full evaluation flagged it ----

def _one_clip_cut(tmp_path: Path, name: str, **metadata: Any) -> Path:
    timeline = otio.schema.Timeline(tracks=[otio.schema.Track()])
    clip = otio.schema.Clip(name=name, source_range=otio.opentime.TimeRange(RT(0, 24), RT(5, 24)))
    for key, value in metadata.items():
        clip.metadata[key] = value
    timeline.tracks[0].extend([clip, otio.schema.Clip(name="plain", source_range=clip.source_range)])
    path = tmp_path / "one.otio"
    otio.adapters.write_to_file(timeline, str(path))
    return path


@pytest.mark.parametrize("field,value,name,metadata", [
    ("metadata.*|regex", "^1e-0[[:digit:]]$", "c0", {"gain": 0.00001}),  # a POSIX class may match a number
    ("clip.name|regex", "foo\\\\040bar", "foo bar", {}),  # an octal space is one atom, made optional
    ("clip.name|regex", "foo {,2}bar", "foo {,2}bar", {}),  # RE2 reads {,2} as text, not a repeat
])
def test_regexes_read_as_re2_reads_them(tmp_path: Path, write_rules, field: str, value: str, name: str,
                                        metadata: dict[str, Any]) -> None:
    rules = write_rules("genflag_rules: 1\nrules:\n  - {id: t.r, title: t, category: c, severity: info,"
                        f" match: {{s: {{'{field}': \"{value}\"}}}}}}\n")
    path = _one_clip_cut(tmp_path, name, **metadata)
    assert [f["clip"] for f in _assert_same(path, rules=[str(rules)], include_default_rules=False)] == [name]


def test_posix_classes_and_octal_escapes_in_raw_patterns() -> None:
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Python's parser used to warn on the user's screen
        assert may_match_number("^1e-0[[:digit:]]$")
    assert despaced("foo\\040bar") == "foo\\040?bar" and despaced("a {,2}b") == "a{,2}b"


def test_a_marker_comment_that_is_not_text_is_no_comment(tmp_path: Path, write_rules) -> None:
    rules = write_rules("genflag_rules: 1\nrules:\n  - {id: t.c, title: t, category: c, severity: info,"
                        " match: {s: {marker.comment|contains: None}}}\n")
    timeline = otio.schema.Timeline(tracks=[otio.schema.Track()])
    clip = otio.schema.Clip(name="c0", source_range=otio.opentime.TimeRange(RT(0, 24), RT(5, 24)))
    clip.markers.append(otio.schema.Marker(name="m", metadata={"fcp_xml": {"comment": {"note": None}}}))
    timeline.tracks[0].append(clip)
    path = tmp_path / "comment.otio"
    otio.adapters.write_to_file(timeline, str(path))
    assert _assert_same(path, rules=[str(rules)], include_default_rules=False) == []


def test_a_collector_whose_wants_fails_only_costs_the_shortcut(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from genflag.collectors.assets import AssetsCollector

    def broken(self: object, context: object) -> bool:
        raise AttributeError("settings are not a mapping")
    monkeypatch.setattr(AssetsCollector, "wants", broken)
    path = _cut(tmp_path, 40)
    checker = Checker(CheckOptions(probe_media=False))
    assert checker.quiet_scan(str(path)) is None
    assert checker.check_path(str(path)).errors == []


@pytest.mark.parametrize("variable,value", [("GENFLAG_OTIO_HOOKS", "1"), ("OTIO_DEFAULT_MEDIA_LINKER", "linker")])
def test_read_hooks_and_media_linkers_turn_the_shortcut_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            variable: str, value: str) -> None:
    path = str(_cut(tmp_path, 20))
    assert Checker(CheckOptions(probe_media=False)).quiet_scan(path) is not None
    monkeypatch.setenv(variable, value)  # the read then changes the timeline: its text no longer says it all
    assert Checker(CheckOptions(probe_media=False)).quiet_scan(path) is None


def test_the_engine_builds_its_sets_when_the_pack_loads() -> None:
    engine = Engine(load_pack([], True))
    assert engine._prefilters and all(p._set is not None for p in engine._prefilters.values())  # noqa: SLF001


def test_a_clip_bigger_than_many_pieces_is_scanned_whole(tmp_path: Path) -> None:
    timeline = otio.schema.Timeline(tracks=[otio.schema.Track()])
    big = otio.schema.Clip(name="big", source_range=otio.opentime.TimeRange(RT(0, 24), RT(5, 24)))
    big.metadata["notes"] = ["x" * 100] * 2000 + ["made with RunwayGen4"]
    timeline.tracks[0].extend([big, otio.schema.Clip(name="plain", source_range=big.source_range)])
    path = tmp_path / "big.otio"
    otio.adapters.write_to_file(timeline, str(path))
    scanner = Engine(load_pack([], True)).quiet_scanner()
    text = path.read_bytes()
    for size in (64, 1000, 65536):
        loud = scanner.scan_chunks(text[i:i + size] for i in range(0, len(text), size))
        assert loud is not None and (loud.indices, loud.clip_count) == ({0}, 2)


def test_asset_settings_that_are_not_a_table_mean_no_manager(tmp_path: Path) -> None:
    path = str(_cut(tmp_path, 30))
    checker = Checker(CheckOptions(probe_media=False, config={"assets": "not a table"}))
    assert checker.quiet_scan(path) is not None  # no manager configured: the shortcut stays
    assert checker.check_path(path).errors == []
