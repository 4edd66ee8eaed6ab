"""The approvals ledger, fingerprints and the role policy, unit by unit: every bad input is one
located error, and the chain catches edits, deletions and reordering."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from genflag.approvals.fingerprint import CurrentMedia, FingerprintError, Hasher, resolve_media
from genflag.approvals.ledger import GENESIS, LedgerError, append_record, canonical, read_ledger, record_hash
from genflag.approvals.policy import DEFAULT_ROLES, load_policy, triggers_of
from genflag.errors import ConfigError
from tests.approvals_support import record, write_ledger
from tests.report_samples import finding


def lines_of(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


def test_a_written_ledger_reads_back_with_its_head(tmp_path: Path) -> None:
    path = tmp_path / "l.jsonl"
    data = write_ledger(path, [record("SH010"), record("SH020", decision="rejected")])
    ledger = read_ledger(str(path), DEFAULT_ROLES)
    assert [r.covers.shot for r in ledger.records] == ["SH010", "SH020"]
    assert ledger.head == data[-1]["hash"] and data[0]["prev"] == GENESIS and data[1]["prev"] == data[0]["hash"]
    assert ledger.records[1].location == f"{path}:2"


@pytest.mark.parametrize("mangle, line, message", [
    (lambda ls: [ls[0], b"{not json\n", ls[1]], 2, "not a JSON record: Expecting property name"),
    (lambda ls: [ls[0], b"[1, 2]\n"], 2, "not a JSON object but list"),
    (lambda ls: [ls[0], b"\n", ls[1]], 2, "blank line"),
    (lambda ls: [ls[0], b"\xff\xfe\n"], 2, "not UTF-8 text"),
    (lambda ls: [ls[0], ls[1].rstrip(b"\n")], 2, "incomplete last line"),
    (lambda ls: [ls[1], ls[0]], 1, "chain broken"),
    (lambda ls: [ls[1]], 1, "chain broken"),
    (lambda ls: [ls[0], ls[1].replace(b'"SH020"', b'"SH021"')], 2, "record changed after it was written"),
])
def test_every_broken_ledger_names_its_first_bad_line(tmp_path: Path, mangle, line: int, message: str) -> None:
    path = tmp_path / "l.jsonl"
    write_ledger(path, [record("SH010"), record("SH020")])
    path.write_bytes(b"".join(mangle(lines_of(path))))
    with pytest.raises(LedgerError) as caught:
        read_ledger(str(path), DEFAULT_ROLES)
    assert str(caught.value).startswith(f"{path}:{line}: error: {message}")
    assert "\n" not in str(caught.value)


def rewrite(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    """Change the first record's data and re-chain it (a forger who recomputes the hash)."""
    data = json.loads(lines_of(path)[0])
    change(data)
    data["hash"] = record_hash(data)
    path.write_bytes(canonical(data) + b"\n")


@pytest.mark.parametrize("change, message", [
    (lambda d: d["media"][0].update(sha256="abc123"), "media.0.sha256: not a SHA-256 fingerprint (64 lowercase hex"),
    (lambda d: d["media"][0].update(sha256="A" * 64), "not a SHA-256 fingerprint"),
    (lambda d: d.update(prev="sha256:xyz"), "prev: not a SHA-256 fingerprint"),
    (lambda d: d["by"].update(role="prodcer"), "unknown role 'prodcer' (did you mean 'producer'?"),
    (lambda d: d.update(decision="approve"), "decision"),
    (lambda d: d.update(covers={}), "covers"),
    (lambda d: d.update(media=[]), "media: an approval or rejection needs the fingerprints"),
    (lambda d: d.update(at="yesterday"), "at"),
    (lambda d: d.update(colour="red"), "unknown field 'colour'"),
    (lambda d: d.pop("prev"), "no prev/hash"),
])
def test_a_record_of_the_wrong_form_is_a_located_error(tmp_path: Path, change, message: str) -> None:
    path = tmp_path / "l.jsonl"
    write_ledger(path, [record("SH010")])
    rewrite(path, change)
    with pytest.raises(LedgerError) as caught:
        read_ledger(str(path), DEFAULT_ROLES)
    assert str(caught.value).startswith(f"{path}:1: error: ") and message in str(caught.value)


def test_append_refuses_a_broken_ledger_and_leaves_every_byte(tmp_path: Path) -> None:
    path = tmp_path / "l.jsonl"
    write_ledger(path, [record("SH010"), record("SH020")])
    broken = path.read_bytes().replace(b"LEGAL-1", b"LEGAL-2", 1)
    path.write_bytes(broken)
    with pytest.raises(LedgerError, match=r":1: error: record changed"):
        append_record(str(path), record("SH030"), DEFAULT_ROLES)
    assert path.read_bytes() == broken


def test_append_creates_the_ledger_and_chains_each_line(tmp_path: Path) -> None:
    path = tmp_path / "new.jsonl"
    first = append_record(str(path), record("SH010"), DEFAULT_ROLES)
    second = append_record(str(path), record("SH020"), DEFAULT_ROLES)
    assert (first.line, second.line, second.previous_head) == (1, 2, first.hash)
    assert read_ledger(str(path)).head == second.hash


def test_a_missing_ledger_or_a_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(LedgerError, match="no such approvals ledger"):
        read_ledger(str(tmp_path / "nope.jsonl"))
    with pytest.raises(LedgerError, match="is a folder"):
        read_ledger(str(tmp_path))
    with pytest.raises(LedgerError, match="folder does not exist"):
        append_record(str(tmp_path / "no" / "l.jsonl"), record("SH010"))


# --------------------------------------------------------------------------- fingerprints

def test_a_file_fingerprint_is_its_sha256_and_is_cached_until_the_file_changes(tmp_path: Path) -> None:
    import hashlib
    import os
    media = tmp_path / "a.mov"
    media.write_bytes(b"x" * (3 << 20) + b"tail")  # more than one chunk
    old = 1_600_000_000
    os.utime(media, (old, old))
    with Hasher(str(tmp_path / "cache")) as hasher:
        printed = hasher.fingerprint(CurrentMedia(str(media), "file"), "clip")
        assert printed.sha256 == hashlib.sha256(media.read_bytes()).hexdigest() and printed.size == (3 << 20) + 4
    with Hasher(str(tmp_path / "cache")) as again:
        assert again.file(str(media))[0] == printed.sha256 and again.hashed_bytes == 0  # from the cache
        media.write_bytes(media.read_bytes()[:-1] + b"X")
        assert not again.matches(CurrentMedia(str(media), "file"), printed) and again.hashed_bytes > 0


def test_a_recently_modified_file_is_never_taken_from_the_cache(tmp_path: Path) -> None:
    media = tmp_path / "a.mov"
    media.write_bytes(b"one")
    with Hasher(str(tmp_path / "cache")) as hasher:
        hasher.file(str(media))
    with Hasher(str(tmp_path / "cache")) as hasher:
        hasher.file(str(media))
        assert hasher.hashed_bytes == 3  # not stored: it changed less than two seconds ago


def write_sequence(folder: Path, frames: range, size: int = 100) -> str:
    folder.mkdir(exist_ok=True)
    for frame in frames:
        (folder / f"sh020.{frame:04d}.exr").write_bytes(bytes([frame % 256]) * size)
    return str(folder / "sh020.####.exr")


def test_a_sequence_fingerprint_samples_frames_and_sees_count_sampled_frames_and_sizes(tmp_path: Path) -> None:
    pattern = write_sequence(tmp_path / "seq", range(1001, 1011))
    media = resolve_media(pattern)
    assert media.kind == "sequence"
    with Hasher(None, use_cache=False) as hasher:
        printed = hasher.fingerprint(media, "SH020")
        assert (printed.frame_count, printed.frames) == (10, (1001, 1005, 1010))
        assert hasher.matches(media, printed)
        (tmp_path / "seq" / "sh020.1003.exr").write_bytes(b"\x00" * 101)  # unsampled frame, new size
        assert not hasher.matches(media, printed)
        (tmp_path / "seq" / "sh020.1003.exr").write_bytes(bytes([1003 % 256]) * 100)
        assert hasher.matches(media, printed)
        (tmp_path / "seq" / "sh020.1011.exr").write_bytes(b"x" * 100)  # one more frame
        assert not hasher.matches(media, printed)


def test_media_that_cannot_be_fingerprinted_says_why(tmp_path: Path) -> None:
    with pytest.raises(FingerprintError, match="not a local file: https://x/a.mov"):
        resolve_media("https://x/a.mov")
    with pytest.raises(FingerprintError, match="no media reference"):
        resolve_media(None)
    with Hasher(None, use_cache=False) as hasher:
        with pytest.raises(FingerprintError, match="media missing"):
            hasher.fingerprint(resolve_media(str(tmp_path / "gone.mov")))
        with pytest.raises(FingerprintError, match="no frames of"):
            hasher.fingerprint(resolve_media(str(tmp_path / "none.####.exr")))


def test_media_targets_resolve_like_the_probes_do(tmp_path: Path) -> None:
    target = resolve_media("file:///Volumes/show/a.mov", roots=[("/Volumes/show", str(tmp_path))])
    assert target.path == str(tmp_path / "a.mov")
    assert resolve_media("media/a.mov", base_dir=str(tmp_path)).path == str(tmp_path / "media" / "a.mov")
    assert resolve_media("ignored", media_path=str(tmp_path / "b.mov")).path == str(tmp_path / "b.mov")


# --------------------------------------------------------------------------- policy

def test_the_default_policy_needs_a_producer_and_for_likeness_legal_too() -> None:
    policy = load_policy(None)
    video = finding(requires=["approval"])
    face = finding(category="likeness.face_swap", requires=["approval", "consent"])
    temp = finding(requires=[], context="temp")
    assert [r.label() for r in policy.requirements(video)] == ["producer"]
    assert sorted(r.label() for r in policy.requirements(face)) == ["legal", "producer"]
    assert policy.requirements(temp) == [] and triggers_of(face) == ["final_deliverable", "talent_likeness"]


def test_a_configured_policy_maps_categories_and_triggers_to_roles_with_alternatives() -> None:
    policy = load_policy({"roles": ["producer", "showrunner", "legal"],
                          "require": {"generative.video": ["producer|showrunner"], "likeness.*": ["legal"],
                                      "personal_data": ["legal"]}})
    video = finding(requires=["approval"])
    assert [r.label() for r in policy.requirements(video)] == ["producer|showrunner"]
    assert policy.counts("showrunner", video) and not policy.counts("legal", video)
    tagged = finding(category="generative.image", requires=["approval"], tags=["approval:personal_data"])
    assert [r.label() for r in policy.requirements(tagged)] == ["legal"]
    assert policy.requirements(finding(category="generative.music", requires=["approval"])) == []


def test_a_policy_naming_an_unknown_role_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"approvals.require.likeness.\*: unknown role 'lgal'; did you mean 'legal'"):
        load_policy({"roles": ["producer", "legal"], "require": {"likeness.*": ["lgal"]}}, "genflag.toml:approvals")


def test_a_reread_schema_validates_only_lines_it_has_not_validated_unchanged_before(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from genflag.files import schemas as schemas_util
    path = tmp_path / "l.jsonl"
    write_ledger(path, [record(f"SH0{n}0") for n in range(5)])
    calls: list[int] = []
    real = schemas_util.validator("approval.schema.json")

    class Counting:
        def iter_errors(self, data):  # type: ignore[no-untyped-def]
            calls.append(1)
            return real.iter_errors(data)
    monkeypatch.setattr(schemas_util, "validator", lambda name: Counting())
    read_ledger(str(path))
    assert len(calls) == 5
    read_ledger(str(path))
    assert len(calls) == 5  # unchanged: no line validated again, the chain still verified
    append_record(str(path), record("SH090"), DEFAULT_ROLES)
    assert len(calls) == 6  # the new record, before it is appended (the lines before it: validated already)
    read_ledger(str(path))
    assert len(calls) == 7  # only the new line
    path.write_bytes(path.read_bytes().replace(b"SH010", b"SH011", 1))
    with pytest.raises(LedgerError, match=r":2: error: record changed"):
        read_ledger(str(path))
