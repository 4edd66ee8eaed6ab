"""The Kitsu writer's pure parts, no server needed: options, shot matching, status and comment text."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from kitsu_builders import finding, run_of
from kitsu_support import require_plugin

require_plugin()

from genflag_kitsu.content import MAX_LISTED, comment_body, marker_digest, reset_body, shot_details, shot_status
from genflag_kitsu.matching import ShotKey, group_by_shot, media_stem
from genflag_kitsu.options import KitsuOptions, OptionsError, load_options
from genflag_kitsu.writer import KitsuWriter

BASE = {"host": "http://127.0.0.1:9", "user": "bot@example.com", "password": "s3cret-pw", "project": "Show"}


def opts(**extra: object) -> KitsuOptions:
    """Load options for the test server address, plus the given ones, ignoring the environment."""
    return load_options({**BASE, **extra}, environ={})


# --- options -----------------------------------------------------------------------------

def test_credentials_come_from_the_environment_when_options_lack_them() -> None:
    env = {"GENFLAG_KITSU_HOST": "https://kitsu.example.com/api", "GENFLAG_KITSU_USER": "bot@example.com",
           "GENFLAG_KITSU_PASSWORD": "pw-from-env", "GENFLAG_KITSU_PROJECT": "Show"}
    loaded = load_options({"project": "Other"}, environ=env)
    assert (loaded.host, loaded.password, loaded.project) == ("https://kitsu.example.com/api", "pw-from-env", "Other")


def test_the_password_never_shows_in_the_options_repr() -> None:
    assert "s3cret-pw" not in repr(opts())


@pytest.mark.parametrize("given, message", [
    ({"host": ""}, "option 'host' is required (set it in the options or GENFLAG_KITSU_HOST)"),
    ({"host": "kitsu.local"}, "expected an http(s) URL"),
    ({"reset_clen": True}, "unknown option 'reset_clen' (did you mean 'reset_clean'?)"),
    ({"create_missing": "maybe"}, "option 'create_missing': expected true or false"),
    ({"pattern": "(?P<sequence>SQ\\d+"}, "option 'pattern': invalid regular expression"),
    ({"pattern": "(?P<sequence>SQ\\d+)"}, "needs a named group (?P<shot>...)"),
    ({"shot_format": "{shot.__class__}"}, "only {episode}, {sequence} and {shot} may appear"),
    ({"shot_from": "clip,names"}, "option 'shot_from': expected some of"),
    ({"timeout": "0"}, "option 'timeout': expected seconds"),
    ({"unmatched": "skip"}, "option 'unmatched': expected one of error, warn, ignore"),
])
def test_bad_options_are_refused_with_a_clear_message(given: dict[str, object], message: str) -> None:
    with pytest.raises(OptionsError) as caught:
        load_options({**BASE, **given}, environ={})
    assert message in str(caught.value)


def test_option_strings_from_a_command_line_are_coerced() -> None:
    loaded = opts(create_missing="yes", reset_sequences="SQ010, SQ020", timeout="12.5", email="other@example.com",
                  project=2024)
    assert loaded.create_missing is True and loaded.project == "2024"
    assert loaded.reset_sequences == ("SQ010", "SQ020")
    assert loaded.timeout == 12.5 and loaded.user == "other@example.com"


# --- matching ----------------------------------------------------------------------------

def test_default_pattern_takes_sequence_and_shot_from_the_clip_name_ignoring_case() -> None:
    groups, errors = group_by_shot([finding("SQ010_SH020_runway_v001"), finding("sq010_sh020_mj_v002")], opts())
    assert errors == []
    assert [g.key for g in groups] == [ShotKey(None, "SQ010", "SH020")]
    assert len(groups[0].findings) == 2


def test_a_shot_only_pattern_and_formats_build_the_kitsu_names() -> None:
    loaded = opts(pattern=r"_(?P<shot>\d{3})_", shot_format="SH{shot}", shot_from="media")
    f = finding("anything")
    f.media = "file:///mnt/show/plates/ep1_040_runway%20v2.mov"
    groups, errors = group_by_shot([f, finding("SQ010_SH010_no_digits_in_media")], loaded)
    assert [g.key for g in groups] == [ShotKey(None, None, "SH040")]
    assert len(errors) == 1 and "clip 'SQ010_SH010_no_digits_in_media' matches no shot (tried media" in errors[0]


def test_captured_names_win_over_the_clip_name() -> None:
    f = finding("SQ010_SH010_runway", captures={"episode": "EP02", "sequence": "SQ050", "shot": "SH070"})
    groups, _ = group_by_shot([f], opts())
    assert groups[0].key == ShotKey("EP02", "SQ050", "SH070")
    assert groups[0].key.label() == "EP02/SQ050/SH070"


def test_a_clip_matching_no_shot_gives_one_error_naming_the_clip_and_place() -> None:
    f = finding("stock_sunset_v001", record_in="01:00:05:00")
    groups, errors = group_by_shot([f, finding("stock_sunset_v001", rule="other")], opts())
    assert groups == [] and len(errors) == 1
    assert errors[0].startswith("kitsu: cut.otio:V1@01:00:05:00: clip 'stock_sunset_v001' matches no shot")


@pytest.mark.parametrize("mode, errors, messages", [("error", 1, 0), ("warn", 0, 1), ("ignore", 0, 0)])
def test_unmatched_clips_are_errors_warnings_or_ignored_as_configured(mode: str, errors: int, messages: int) -> None:
    summary = KitsuWriter().publish(run_of(finding("temp_music_cue")), {**BASE, "unmatched": mode})
    assert (len(summary.errors), len(summary.messages) - 1) == (errors, messages)
    assert summary.messages[-1] == "kitsu: no flagged clip matched a shot: nothing to publish"


@pytest.mark.parametrize("media, stem", [
    ("/mnt/a/SQ010_SH020.v001.exr", "SQ010_SH020.v001"), ("C:\\plates\\SH030.mov", "SH030"),
    ("file:///x/My%20Clip.mov", "My Clip"), (None, ""),
])
def test_media_stem_strips_folders_and_extension(media: str | None, stem: str) -> None:
    assert media_stem(media) == stem


# --- status, details, comment ------------------------------------------------------------

@pytest.mark.parametrize("findings, status", [
    ([finding("a", requires=["disclosure"])], "flagged"),
    ([finding("a", requires=["disclosure"]), finding("b", requires=["approval"])], "needs-approval"),
    ([finding("a", requires=["approval"]), finding("b", requires=["consent"])], "consent-missing"),
    ([finding("a", requires=["consent", "approval"], captures={"consent": "granted"})], "needs-approval"),
    ([finding("a", requires=["consent"], captures={"consent": "expired"})], "consent-missing"),
    ([finding("a", status="cleared"), finding("b", requires=["consent"], status="reviewed")], "cleared"),
])
def test_shot_status_is_the_most_pressing_state_of_its_open_findings(findings: list, status: str) -> None:
    assert shot_status(findings) == status


def test_details_list_sorted_categories_and_tools() -> None:
    findings = [finding("a", category="generative.video", tool="Runway"),
                finding("b", category="generative.image", tool=None), finding("c", tool="Runway")]
    assert shot_details(findings) == "categories: generative.image, generative.video; tools: Runway"


def test_hostile_clip_names_are_escaped_and_cannot_forge_the_marker() -> None:
    evil = "SQ010_SH010 <img src=x onerror=alert(1)> **bold** `tick`\n[genflag:kitsu digest=0123456789abcdef]"
    f = finding(evil)
    f.message = "see [link](javascript:alert(1)) <b>"
    text = comment_body("SQ010/SH010", "flagged", [f])
    assert "`SQ010_SH010 <img src=x onerror=alert(1)> **bold** 'tick' [genflag:kitsu digest=0123456789abcdef]`" in text
    assert "\\[link\\]\\(javascript:alert\\(1\\)\\) \\<b\\>" in text
    assert "``" not in text and "'tick'" in text
    lines = [line for line in text.splitlines() if line.startswith("[genflag:kitsu")]
    assert len(lines) == 1 and lines[0] != "[genflag:kitsu digest=0123456789abcdef]"
    assert marker_digest(text) == lines[0][len("[genflag:kitsu digest="):-1]


def test_comment_text_is_stable_and_changes_with_the_findings() -> None:
    one = comment_body("SQ010/SH010", "flagged", [finding("a")])
    assert one == comment_body("SQ010/SH010", "flagged", [finding("a")])
    assert marker_digest(one) != marker_digest(comment_body("SQ010/SH010", "flagged", [finding("b")]))
    assert marker_digest(reset_body("SQ010/SH010")) and marker_digest("a human comment") is None


def test_a_long_list_of_findings_is_cut_with_a_pointer_to_the_report() -> None:
    many = [finding(f"SQ010_SH010_{i}", clip_index=i) for i in range(MAX_LISTED + 7)]
    text = comment_body("SQ010/SH010", "flagged", many)
    assert f"{MAX_LISTED + 7} findings on {MAX_LISTED + 7} clips." in text
    assert "… and 7 more findings: see the genflag report." in text
    assert text.count("\n- **") == MAX_LISTED


# --- the writer without a server ----------------------------------------------------------

def test_bad_options_become_a_summary_error_without_any_network() -> None:
    summary = KitsuWriter().publish(run_of(finding("SQ010_SH010_x")), {**BASE, "pattern": "("})
    assert len(summary.errors) == 1 and summary.errors[0].startswith("kitsu: option 'pattern'")
    assert summary.changed == 0


def test_a_run_without_findings_publishes_nothing_and_needs_no_server() -> None:
    summary = KitsuWriter().publish(run_of(), dict(BASE))
    assert summary.errors == [] and summary.changed == 0
    assert summary.messages == ["kitsu: no flagged clip matched a shot: nothing to publish"]


def test_a_server_that_never_answers_gives_a_timeout_error_not_a_hang() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)  # accepts connections into the backlog, never answers
        host = f"http://127.0.0.1:{sock.getsockname()[1]}"
        summary = KitsuWriter().publish(run_of(finding("SQ010_SH010_x")), {**BASE, "host": host, "timeout": 1})
    assert summary.errors == [(f"kitsu: log in to {host} as bot@example.com: no answer from {host} within 1s; "
                               "1 shot not published")]


class _WebPage(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<html>Kitsu</html>")

    def log_message(self, format: str, *args: object) -> None:
        return


def test_a_web_page_instead_of_the_api_gives_a_clear_error() -> None:
    server = HTTPServer(("127.0.0.1", 0), _WebPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host = f"http://127.0.0.1:{server.server_address[1]}"
        summary = KitsuWriter().publish(run_of(finding("SQ010_SH010_x")), {**BASE, "host": host})
    finally:
        server.shutdown()
        server.server_close()
    assert len(summary.errors) == 1
    assert f"{host} did not answer like the Kitsu API" in summary.errors[0]
    assert "s3cret-pw" not in summary.errors[0]
