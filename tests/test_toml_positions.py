"""toml_positions: the line and column of every key of a TOML text, however it is written."""

from __future__ import annotations

import sys

import pytest

from genflag.files.toml_positions import key_positions, nearest_position

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

TRICKY = '''\
# a comment with = and [brackets] and "quotes"
title = "a # not a comment = [x]"   # trailing
"quoted key" = 'lit\\eral'
dotted . key = 1
multi = """
first = line
[not.a.table]
"""
lit = \'\'\'
also = not a key
\'\'\'
arr = [
  "a",  # comment in an array
  [1, 2],
  { inner = "x", other.deep = true },
]
when = 1979-05-27 07:32:00Z
inline = { a = 1, b = { c = "}" } }

[table . "sub key"]
k = "v"

[[items]]
name = "first"

[[items]]
name = "second"
[items.detail]
z = 0
'''


@pytest.fixture(scope="module")
def positions() -> dict:
    tomllib.loads(TRICKY)  # the fixture is valid TOML
    return key_positions(TRICKY)


@pytest.mark.parametrize("path, where", [
    (("title",), (2, 1)),
    (("quoted key",), (3, 1)),
    (("dotted",), (4, 1)),
    (("dotted", "key"), (4, 10)),
    (("multi",), (5, 1)),
    (("lit",), (9, 1)),
    (("arr",), (12, 1)),
    (("arr", 0), (13, 3)),
    (("arr", 1), (14, 3)),
    (("arr", 2), (15, 3)),
    (("arr", 2, "inner"), (15, 5)),
    (("arr", 2, "other", "deep"), (15, 24)),
    (("when",), (17, 1)),
    (("inline", "b", "c"), (18, 25)),
    (("table", "sub key"), (20, 1)),
    (("table", "sub key", "k"), (21, 1)),
    (("items", 0, "name"), (24, 1)),
    (("items", 1), (26, 1)),
    (("items", 1, "name"), (27, 1)),
    (("items", 1, "detail", "z"), (29, 1)),
])
def test_every_key_is_found_where_it_is_written(positions: dict, path: tuple, where: tuple) -> None:
    assert positions[path] == where


def test_text_inside_strings_and_comments_is_never_a_key(positions: dict) -> None:
    names = {path[-1] for path in positions if isinstance(path[-1], str)}
    assert not names & {"first", "also", "not", "comment", "trailing", "x"}


def test_a_path_not_written_falls_back_to_its_nearest_ancestor(positions: dict) -> None:
    assert nearest_position(positions, ("table", "sub key", "missing", 3)) == (20, 1)
    assert nearest_position(positions, ("nowhere",)) is None


def test_crlf_line_ends_and_unicode_escapes() -> None:
    text = 'a = "\\u00e9"\r\n"\\u00e9" = 2\r\n'
    assert tomllib.loads(text)["é"] == 2
    assert key_positions(text) == {("a",): (1, 1), ("é",): (2, 1)}
