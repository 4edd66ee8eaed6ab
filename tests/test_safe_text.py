"""The one escaping policy (output/safe_text.py), as truth tables: input -> what each target shows."""

from __future__ import annotations

import json

import pytest

from genflag import safe_text as st

#: Every character class the policy escapes, with its visible form.
UNSAFE = [
    ("\x00", "\\u0000"), ("\x07", "\\u0007"), ("\t", "\\u0009"), ("\n", "\\u000a"), ("\r", "\\u000d"),
    ("\x1b", "\\u001b"), ("\x1f", "\\u001f"), ("\x7f", "\\u007f"), ("\x85", "\\u0085"), ("\x9b", "\\u009b"),
    ("\x9f", "\\u009f"), ("\u061c", "\\u061c"), ("\u200e", "\\u200e"), ("\u200f", "\\u200f"),
    ("\u2028", "\\u2028"), ("\u2029", "\\u2029"), ("\u202a", "\\u202a"), ("\u202e", "\\u202e"),
    ("\u2066", "\\u2066"), ("\u2067", "\\u2067"), ("\u2068", "\\u2068"), ("\u2069", "\\u2069"),
    ("\ud800", "\\ud800"), ("\udfff", "\\udfff"),
    ("\udcff", "\\xff"), ("\udc80", "\\x80"),  # bytes of a file name that is not UTF-8 (surrogateescape)
]
#: Text shown exactly as it is.
SAFE = ["SH010_plate", "é à ü", "\u05e9\u05dc\u05d5\u05dd", "\u0645\u0631\u062d\u0628\u0627", "日本語",
        "\U0001f469\u200d\U0001f469\u200d\U0001f467", "a\\u001b (a literal backslash)", "100% <b>&amp;</b>",
        "\u00a0nbsp", "\u200b zero width space"]


@pytest.mark.parametrize("raw,shown", UNSAFE, ids=[repr(r) for r, _ in UNSAFE])
def test_terminal_escapes_every_unsafe_character_visibly(raw: str, shown: str) -> None:
    assert st.terminal(f"a{raw}b") == f"a{shown}b"


@pytest.mark.parametrize("text", SAFE)
def test_terminal_keeps_ordinary_text_exactly(text: str) -> None:
    assert st.terminal(text) == text


@pytest.mark.parametrize("limit,shown", [(None, "x" * 300), (300, "x" * 300), (10, "x" * 9 + "\u2026"),
                                         (1, "\u2026")])
def test_terminal_shortens_with_an_ellipsis(limit: int | None, shown: str) -> None:
    assert st.terminal("x" * 300, limit) == shown


def test_terminal_escapes_before_shortening_so_a_cut_never_splits_an_escape_into_a_raw_byte() -> None:
    assert "\x1b" not in st.terminal("\x1b" * 100, 20)


def test_terminal_output_is_always_one_line_and_printable() -> None:
    hostile = "".join(raw for raw, _ in UNSAFE) + "tail"
    shown = st.terminal(hostile, None)
    assert shown.isprintable() and shown.endswith("tail")
    assert shown.encode("utf-8")  # no lone surrogate left: printing cannot fail


def test_escaping_is_idempotent() -> None:
    once = st.terminal("a\x1b\n\u202e\udcff")
    assert st.terminal(once) == once


@pytest.mark.parametrize("text,lines", [("one\ntwo", ["one", "two"]), ("a\x1b\r\nb", ["a\\u001b", "b"]),
                                        ("x\u2028y", ["x\\u2028y"])])
def test_terminal_lines_split_only_on_line_feeds(text: str, lines: list[str]) -> None:
    assert st.terminal_lines(text) == lines


@pytest.mark.parametrize("raw,shown", [
    ("plain", "plain"), ("50%", "50%25"), ("a\nb", "a\\u000ab"), ("a\rb", "a\\u000db"), ("\x1b[31m", "\\u001b[31m"),
    ("::error::x", "::error::x"), ("\u202e", "\\u202e"),
])
def test_github_data(raw: str, shown: str) -> None:
    assert st.github_data(raw) == shown


@pytest.mark.parametrize("raw,shown", [("a:b,c", "a%3Ab%2Cc"), ("cut\n.otio", "cut\\u000a.otio"), ("%", "%25"),
                                       ("x\x1b", "x\\u001b")])
def test_github_property(raw: str, shown: str) -> None:
    assert st.github_property(raw) == shown


@pytest.mark.parametrize("raw,shown", [
    ("a\tb\nc\rd", "a\tb\nc\rd"), ("\x00", "\\u0000"), ("\x1b", "\\u001b"), ("\x0b\x0c", "\\u000b\\u000c"),
    ("\x9b", "\\u009b"), ("\u202e", "\\u202e"), ("\ud800", "\\ud800"), ("\ufffe\uffff", "\\ufffe\\uffff"),
    ("<&>\"'", "<&>\"'"),  # markup is the XML writer's job
])
def test_xml_text(raw: str, shown: str) -> None:
    assert st.xml_text(raw) == shown


@pytest.mark.parametrize("raw,guarded", [
    ("=1+1", True), ("+1", True), ("-1", True), ("@SUM(A1)", True), ("\t=1", True), ("\r=1", True),
    ("\n=1", True), (" =1", True), ("   +cmd", True), ("\n", True), (" leading space", True),
    ("\uff1d1+1", True), ("\uff20x", True), ("\u200b=1", True), ("\x1b=1", True), ("\u3000=1", True),
    ("SH010 =x", False), ("plain", False), ("", False), ("a=1", False), ("1-2", False), ("é=1", False),
])
def test_csv_formula_neutralisation(raw: str, guarded: bool) -> None:
    assert st.csv_text(raw) == ("'" + raw if guarded else raw)


@pytest.mark.parametrize("raw", ["a\nb", "\u05e9\u202eSH", "x\ty"])
def test_csv_keeps_inner_text_exactly(raw: str) -> None:
    assert st.csv_text(raw) == raw


@pytest.mark.parametrize("raw,shown", [
    ("*bold* _it_", "\\*bold\\* \\_it\\_"), ("a|b", "a\\|b"), ("<script>", "\\<script\\>"),
    ("[x](http://evil)", "\\[x\\](http\\://evil)"), ("www.evil.com", "www\\.evil.com"),
    ("a\x1bb", "a\\\\u001bb"), ("a\nb", "a\\\\u000ab"), ("  two  spaces ", "two spaces"),
])
def test_markdown(raw: str, shown: str) -> None:
    assert st.markdown(raw) == shown


def test_markdown_isolates_right_to_left_runs() -> None:
    assert st.markdown("\u05e9\u05dc\u05d5\u05dd") == "\u2068\u05e9\u05dc\u05d5\u05dd\u2069"


@pytest.mark.parametrize("raw,shown", [
    ("<b>\"'&", "&lt;b&gt;&quot;&#x27;&amp;"), ("a\x1bb", "a\\u001bb"), ("\u202eabc", "\\u202eabc"),
    ("a\nb", "a\\u000ab"),
])
def test_html(raw: str, shown: str) -> None:
    assert st.html(raw) == shown


def test_html_isolated_wraps_in_bdi_and_keeps_the_full_name_as_title_when_shortened() -> None:
    assert st.html_isolated("<x>") == "<bdi>&lt;x&gt;</bdi>"
    long = st.html_isolated("n" * 50 + "<", limit=10)
    assert long.startswith('<bdi title="' + "n" * 50 + '&lt;">') and long.endswith("\u2026</bdi>")


@pytest.mark.parametrize("raw", ["\x1b", "\x9b", "\u202e", "\u200f", "\u2028", "\u2066", "\ud800", "\udcff", "\x00"])
def test_json_is_printable_and_lossless(raw: str) -> None:
    text = st.json_dumps({"name": f"a{raw}b", "é": "é"})
    assert raw not in text and "é" in text
    assert json.loads(text) == {"name": f"a{raw}b", "é": "é"}


def test_json_of_plain_text_is_what_json_dumps_gives() -> None:
    data = {"a": [1, 2.5, None, True], "b": "SH010 é"}
    assert st.json_dumps(data, indent=2) == json.dumps(data, indent=2, ensure_ascii=False)


def test_plain_and_display_collapse_spaces_and_escape() -> None:
    assert st.display("  a   b\x1b ") == "a b\\u001b"
    assert st.plain("\u05d0 x") == "\u2068\u05d0 x\u2069"
