"""`genflag approve`, `genflag approvals ...` and checks that use the ledger, end to end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from genflag.files.schemas import load_schema
from tests.approvals_support import flip_byte, line_data, record, show, write_ledger


@pytest.fixture
def cut(tmp_path: Path) -> dict[str, str]:
    return show(tmp_path)


def check(run_cli, cut: dict[str, str], *args: object):  # type: ignore[no-untyped-def]
    return run_cli("check", cut["cut"], "--no-default-rules", "--rules", cut["rules"], "--approvals", cut["ledger"],
                   "--format", "json", *args)


def approve(run_cli, cut: dict[str, str], *args: object):  # type: ignore[no-untyped-def]
    return run_cli("approve", cut["cut"], "--no-default-rules", "--rules", cut["rules"], "--approvals", cut["ledger"],
                   *args)


def states(result) -> dict[tuple[str, str], str]:  # type: ignore[no-untyped-def]
    document = json.loads(result.out)
    return {(f["clip"], f["rule"]): f["approval"]["state"] for f in document["findings"]}


PRODUCER = ("--by", "A. Producer", "--role", "producer", "--ref", "LEGAL-118")


def test_without_approvals_every_finding_that_needs_one_is_pending_and_fails(run_cli, cut) -> None:
    result = check(run_cli, cut)
    assert result.code == 1
    assert states(result) == {
        ("SH020_magicgen_comp_v002", "genai.video.magic"): "pending",
        ("SH030_magicgen_magicimg_v001", "genai.video.magic"): "pending",
        ("SH030_magicgen_magicimg_v001", "genai.image.magic"): "pending",
        ("SH040_faceswapx_v001", "likeness.swap.test"): "pending",
        ("SH050_upscalex_v001", "ml.upscale.test"): "not_required"}


def test_an_approval_clears_exactly_the_findings_it_covers(run_cli, cut) -> None:
    assert approve(run_cli, cut, "--shot", "SH020", *PRODUCER).code == 0
    assert approve(run_cli, cut, "--clip", "SH030_magicgen_magicimg_v001", "--rule", "genai.image.magic",
                   *PRODUCER).code == 0
    result = check(run_cli, cut)
    assert states(result) == {
        ("SH020_magicgen_comp_v002", "genai.video.magic"): "approved",
        ("SH030_magicgen_magicimg_v001", "genai.video.magic"): "pending",
        ("SH030_magicgen_magicimg_v001", "genai.image.magic"): "approved",
        ("SH040_faceswapx_v001", "likeness.swap.test"): "pending",
        ("SH050_upscalex_v001", "ml.upscale.test"): "not_required"}
    document = json.loads(result.out)
    jsonschema.validate(document, load_schema("findings.schema.json"))
    approved = next(f for f in document["findings"] if f["clip"] == "SH020_magicgen_comp_v002")
    decision = approved["approval"]["decisions"][0]
    assert (decision["by"], decision["role"], decision["ref"], decision["media"]) == \
        ("A. Producer", "producer", "LEGAL-118", "same")
    assert document["summary"]["by_severity"]["approved"] == 2 and result.code == 1
    assert document["approvals"]["ledger"]["records"] == 2


def test_when_one_byte_of_the_approved_media_changes_the_approval_is_stale_until_reapproved(
        run_cli, cut, tmp_path: Path) -> None:
    approve(run_cli, cut, "--shot", "SH020", *PRODUCER)
    flip_byte(tmp_path / "media" / "sh020.mov")
    text = run_cli("check", cut["cut"], "--no-default-rules", "--rules", cut["rules"], "--approvals", cut["ledger"])
    line = next(row for row in text.out.splitlines() if "SH020" in row)
    assert "[approval: STALE: approved by A. Producer (producer) on " in line
    assert "but the media has changed since" in line and text.code == 1
    assert approve(run_cli, cut, "--shot", "SH020", *PRODUCER[:4], "--ref", "LEGAL-119").code == 0
    assert states(check(run_cli, cut))[("SH020_magicgen_comp_v002", "genai.video.magic")] == "approved"


def test_a_rejection_fails_and_a_revocation_makes_it_pending_again(run_cli, cut) -> None:
    approve(run_cli, cut, "--shot", "SH020", *PRODUCER)
    approve(run_cli, cut, "--shot", "SH020", *PRODUCER, "--reject")
    assert states(check(run_cli, cut))[("SH020_magicgen_comp_v002", "genai.video.magic")] == "rejected"
    approve(run_cli, cut, "--shot", "SH020", *PRODUCER, "--revoke")
    assert states(check(run_cli, cut))[("SH020_magicgen_comp_v002", "genai.video.magic")] == "pending"


def test_likeness_needs_legal_and_producer_by_default(run_cli, cut) -> None:
    approve(run_cli, cut, "--shot", "SH040", *PRODUCER)
    result = check(run_cli, cut)
    finding = next(f for f in json.loads(result.out)["findings"] if f["clip"] == "SH040_faceswapx_v001")
    assert finding["approval"]["state"] == "pending" and finding["approval"]["missing"] == ["legal"]
    approve(run_cli, cut, "--shot", "SH040", "--by", "L. Counsel", "--role", "legal", "--ref", "CONSENT-7")
    assert states(check(run_cli, cut))[("SH040_faceswapx_v001", "likeness.swap.test")] == "approved"


def test_an_editors_review_is_not_an_approval_but_still_clears_what_needs_none(run_cli, tmp_path: Path, cut) -> None:
    from tests.helpers import make_clip, make_timeline, write_otio
    review = {"genflag": {"review": {"status": "cleared", "by": "Ed"}}}
    path = write_otio(make_timeline(("V1", [make_clip("SH020_magicgen_v1", metadata=review),
                                            make_clip("SH050_upscalex_v1", metadata=review)])), tmp_path / "r.otio")
    result = run_cli("check", path, "--no-default-rules", "--rules", cut["rules"], "--no-probe")
    lines = result.out.splitlines()
    assert "[approval: pending: needs approval by producer] (editor review: cleared by Ed; not a written approval)" \
        in lines[0]
    assert lines[1].endswith("(ml.upscale.test; named) (cleared by Ed)")
    assert result.code == 1 and "1 error, 0 warning, 0 info, 1 cleared, 0 approved" in result.out


def test_a_role_that_does_not_count_is_refused_and_a_recorded_one_is_reported(run_cli, cut, tmp_path: Path) -> None:
    refused = approve(run_cli, cut, "--shot", "SH020", "--by", "Ed", "--role", "editor", "--ref", "X")
    assert refused.code == 2 and "role 'editor' does not count for generative.video (needs producer" in refused.err
    assert not Path(cut["ledger"]).exists()
    write_ledger(Path(cut["ledger"]), [record("SH020", role="editor", name="Ed")])
    text = run_cli("check", cut["cut"], "--no-default-rules", "--rules", cut["rules"], "--approvals", cut["ledger"])
    line = next(row for row in text.out.splitlines() if "SH020" in row)
    assert "[approval: pending: needs approval by producer; not counted: Ed (editor) on 2026-11-02" in line


def test_dry_run_prints_the_record_and_writes_nothing(run_cli, cut) -> None:
    result = approve(run_cli, cut, "--shot", "SH020", *PRODUCER, "--dry-run")
    assert result.code == 0 and not Path(cut["ledger"]).exists()
    printed = json.loads(result.out[result.out.index("{"):])
    assert printed["covers"] == {"shot": "SH020"} and printed["media"][0]["clip"] == "SH020_magicgen_comp_v002"
    assert len(printed["media"][0]["sha256"]) == 64 and "prev" not in printed


@pytest.mark.parametrize("args, message", [
    (("--clip", "SH020_magicgen_comp_v02"), "no clip named 'SH020_magicgen_comp_v02' in the cut (did you mean "
                                            "'SH020_magicgen_comp_v002'?)"),
    (("--shot", "SH990"), "no clip of shot 'SH990' in the cut"),
    (("--shot", "SH010"), "nothing to approve: no finding of shot SH010 in the cut"),
    (("--shot", "SH020", "--rule", "genai.image.magic"), "nothing to approve"),
])
def test_approving_what_is_not_in_the_cut_is_a_one_line_error(run_cli, cut, args, message) -> None:
    result = approve(run_cli, cut, *args, *PRODUCER)
    assert result.code == 2 and result.err.strip() == f"{cut['cut']}: error: {message}" \
        or (result.code == 2 and message in result.err and result.err.count("\n") == 1)
    assert not Path(cut["ledger"]).exists()


def test_unknown_role_on_the_command_line_is_a_usage_error(run_cli, cut) -> None:
    result = approve(run_cli, cut, "--shot", "SH020", "--by", "A", "--role", "prodcer", "--ref", "R")
    assert result.code == 2 and "unknown role 'prodcer' (did you mean 'producer'?" in result.err


def test_missing_media_cannot_be_approved_unless_unbound(run_cli, cut, tmp_path: Path) -> None:
    (tmp_path / "media" / "sh020.mov").unlink()
    result = approve(run_cli, cut, "--shot", "SH020", *PRODUCER)
    assert result.code == 2 and "cannot fingerprint the media of clip 'SH020_magicgen_comp_v002': media missing" \
        in result.err and not Path(cut["ledger"]).exists()
    assert approve(run_cli, cut, "--shot", "SH020", *PRODUCER, "--unbound").code == 0
    assert line_data(Path(cut["ledger"]))[0]["unbound"] is True
    assert states(check(run_cli, cut))[("SH020_magicgen_comp_v002", "genai.video.magic")] == "approved"


def test_an_approval_whose_media_cannot_be_read_now_is_not_shown_as_approved(run_cli, cut, tmp_path: Path) -> None:
    approve(run_cli, cut, "--shot", "SH020", *PRODUCER)
    (tmp_path / "media" / "sh020.mov").unlink()
    text = run_cli("check", cut["cut"], "--no-default-rules", "--rules", cut["rules"], "--approvals", cut["ledger"])
    line = next(row for row in text.out.splitlines() if "SH020" in row)
    assert "STALE" in line and "the media cannot be read now to confirm it is the approved media" in line


def test_a_ledger_line_edited_by_hand_is_detected_everywhere_the_ledger_is_used(run_cli, cut) -> None:
    approve(run_cli, cut, "--shot", "SH020", *PRODUCER)
    approve(run_cli, cut, "--shot", "SH040", *PRODUCER)
    ledger = Path(cut["ledger"])
    before = ledger.read_bytes()
    ledger.write_bytes(before.replace(b"LEGAL-118", b"LEGAL-999", 1))
    expected = f"{ledger}:1: error: record changed after it was written: its content does not match its hash"
    for result in (run_cli("approvals", "verify", "--approvals", ledger), check(run_cli, cut),
                   run_cli("report", cut["cut"], "--no-default-rules", "--rules", cut["rules"], "--approvals", ledger,
                           "-o", str(ledger.parent / "r.html")),
                   approve(run_cli, cut, "--shot", "SH030", *PRODUCER)):
        assert result.code == 2 and result.err.strip() == expected
    assert ledger.read_bytes() == before.replace(b"LEGAL-118", b"LEGAL-999", 1)  # nothing appended, nothing lost
    assert not (ledger.parent / "r.html").exists()


def test_a_deleted_line_breaks_the_chain_at_the_next_line(run_cli, cut) -> None:
    for shot in ("SH020", "SH030", "SH040"):
        approve(run_cli, cut, "--shot", shot, *PRODUCER)
    ledger = Path(cut["ledger"])
    lines = ledger.read_bytes().splitlines(keepends=True)
    ledger.write_bytes(lines[0] + lines[2])
    result = run_cli("approvals", "verify", "--approvals", ledger)
    assert result.code == 2 and result.err.startswith(f"{ledger}:2: error: chain broken")


def test_verify_prints_the_head_and_list_shows_every_record(run_cli, cut) -> None:
    approve(run_cli, cut, "--shot", "SH020", *PRODUCER)
    head = line_data(Path(cut["ledger"]))[-1]["hash"]
    verified = run_cli("approvals", "verify", "--approvals", cut["ledger"])
    assert verified.code == 0 and verified.out.strip().endswith(f"chain intact; head {head}")
    listed = run_cli("approvals", "list", "--approvals", cut["ledger"])
    assert f"{cut['ledger']}:1: " in listed.out and "approved shot SH020 by A. Producer (producer) ref LEGAL-118" \
        in listed.out


def test_verify_against_a_cut_names_a_record_for_a_clip_that_is_not_in_it(run_cli, cut) -> None:
    write_ledger(Path(cut["ledger"]), [record(None, clip="SH020_magicgen_comp_v002",
                                              given_on={"cut": "cut.otio", "timeline": "REEL1_v012"}),
                                       record(None, clip="SH099_gone_v001",
                                              given_on={"cut": "cut.otio", "timeline": "REEL1_v012"})])
    result = run_cli("approvals", "verify", "--approvals", cut["ledger"], "--cut", cut["cut"])
    assert result.code == 2
    assert result.err.strip().startswith(f"{cut['ledger']}:2: error: record given on timeline 'REEL1_v012'")
    assert "no clip named 'SH099_gone_v001' in the cut" in result.err


def test_explain_says_which_record_covers_a_clip_and_whether_the_media_is_the_same(run_cli, cut, tmp_path) -> None:
    approve(run_cli, cut, "--shot", "SH020", *PRODUCER)
    flip_byte(tmp_path / "media" / "sh020.mov")
    result = run_cli("approvals", "explain", cut["cut"], "SH020", "--no-default-rules", "--rules", cut["rules"],
                     "--approvals", cut["ledger"])
    assert result.code == 1
    assert "  state: stale: approved by A. Producer (producer)" in result.out
    assert f"  {cut['ledger']}:1: " in result.out and "OTHER MEDIA than now (stale)" in result.out
    missing = run_cli("approvals", "explain", cut["cut"], "SH020_nope", "--no-default-rules", "--rules", cut["rules"])
    assert missing.code == 2 and "no clip named 'SH020_nope' in the cut" in missing.err


def test_concurrent_approves_in_separate_processes_all_land_with_the_chain_intact(cut) -> None:
    env = {**os.environ, "GENFLAG_NO_PLUGINS": "1"}
    base = [sys.executable, "-m", "genflag", "approve", cut["cut"], "--no-default-rules", "--rules", cut["rules"],
            "--approvals", cut["ledger"], "--role", "producer"]
    shots = ("SH020", "SH030", "SH040", "SH020", "SH030", "SH040")
    procs = [subprocess.Popen(base + ["--shot", shot, "--by", f"P{n}", "--ref", f"R{n}"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for n, shot in enumerate(shots)]
    outcomes = [(p.wait(timeout=120), p.stderr.read().decode()) for p in procs]  # type: ignore[union-attr]
    assert all(code == 0 for code, _ in outcomes), outcomes
    lines = line_data(Path(cut["ledger"]))
    assert sorted(d["ref"] for d in lines) == [f"R{n}" for n in range(len(shots))]
    verified = subprocess.run([sys.executable, "-m", "genflag", "approvals", "verify", "--approvals", cut["ledger"]],
                              env=env, capture_output=True, text=True)
    assert verified.returncode == 0 and f"{len(shots)} record(s), chain intact" in verified.stdout


def test_a_normal_check_reads_no_media_for_approvals_unless_a_record_covers_the_clip(
        run_cli, cut, monkeypatch: pytest.MonkeyPatch) -> None:
    from genflag.approvals import fingerprint
    hashed: list[str] = []
    real = fingerprint.Hasher._hash
    monkeypatch.setattr(fingerprint.Hasher, "_hash", lambda self, path: hashed.append(path) or real(self, path))
    write_ledger(Path(cut["ledger"]), [record("SH990")])
    assert check(run_cli, cut, "--no-probe").code == 1 and hashed == []
    write_ledger(Path(cut["ledger"]), [record("SH020")])
    assert states(check(run_cli, cut, "--no-probe"))[("SH020_magicgen_comp_v002", "genai.video.magic")] == "stale"
    assert [Path(p).name for p in hashed] == ["sh020.mov"]


def test_the_ledger_and_the_role_policy_come_from_genflag_toml(run_cli, cut, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "legal").mkdir()
    (tmp_path / "genflag.toml").write_text(
        '[approvals]\nledger = "legal/approvals.jsonl"\nroles = ["producer", "showrunner", "legal"]\n'
        '[approvals.require]\n"generative.*" = ["producer|showrunner"]\n"likeness.*" = ["legal"]\n',
        encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    base = ("--no-default-rules", "--rules", cut["rules"])
    assert run_cli("approve", cut["cut"], *base, "--shot", "SH020", "--by", "S. Runner", "--role", "showrunner",
                   "--ref", "EMAIL-1").code == 0
    assert (tmp_path / "legal" / "approvals.jsonl").exists()
    result = run_cli("check", cut["cut"], *base, "--format", "json")
    assert states(result)[("SH020_magicgen_comp_v002", "genai.video.magic")] == "approved"
    face = next(f for f in json.loads(result.out)["findings"] if f["clip"] == "SH040_faceswapx_v001")
    assert face["approval"]["required"] == ["legal"]
    refused = run_cli("approve", cut["cut"], *base, "--shot", "SH020", "--by", "E", "--role", "producer_x",
                      "--ref", "R")
    assert refused.code == 2 and "unknown role 'producer_x'" in refused.err
    (tmp_path / "genflag.toml").write_text('[approvals.require]\n"likeness.*" = ["lgal"]\n', encoding="utf-8")
    broken = run_cli("check", cut["cut"], *base)
    assert broken.code == 2 and broken.err.strip() == \
        f"{tmp_path / 'genflag.toml'}:genflag.approvals: error: approvals.require.likeness.*: unknown role 'lgal'; " \
        "did you mean 'legal'?"


def test_every_report_prints_the_ledger_head_so_a_later_edit_shows(run_cli, cut, tmp_path: Path) -> None:
    approve(run_cli, cut, "--shot", "SH020", *PRODUCER)
    head = line_data(Path(cut["ledger"]))[-1]["hash"]
    for name in ("r.html", "r.md", "r.json", "r.csv"):
        result = run_cli("report", cut["cut"], "--no-default-rules", "--rules", cut["rules"], "--approvals",
                         cut["ledger"], "-o", tmp_path / name)
        assert result.code == 0
        text = (tmp_path / name).read_text(encoding="utf-8")
        if name != "r.csv":
            assert head in text, name
    assert json.loads((tmp_path / "r.json").read_text())["approvals"]["ledger"]["head"] == head
    import csv
    rows = list(csv.DictReader((tmp_path / "r.csv").open(encoding="utf-8")))
    sh020 = next(r for r in rows if r["clip"] == "SH020_magicgen_comp_v002")
    assert (sh020["approval"], sh020["approved_by"], sh020["approval_ref"]) == \
        ("approved", "A. Producer (producer)", "LEGAL-118")
    text = run_cli("check", cut["cut"], "--no-default-rules", "--rules", cut["rules"], "--approvals", cut["ledger"]).out
    assert text.splitlines()[-1] == f"approvals: ledger {cut['ledger']} (1 record(s), head {head})"
