"""media_paths: file URLs with frame placeholders, frame paths, sequence listing and sampling."""

from __future__ import annotations

import pytest

from genflag.timeline.media_paths import (
    frame_path,
    placeholder_padding,
    remap,
    sample_frames,
    sequence_frames,
    url_to_path,
)


def test_when_file_url_has_hash_placeholder_then_not_a_fragment() -> None:
    assert url_to_path("file:///show/sh010/plate.####.exr") == "/show/sh010/plate.####.exr"


def test_when_file_url_is_percent_encoded_then_decoded() -> None:
    assert url_to_path("file:///show/my%20plate.exr") == "/show/my plate.exr"


@pytest.mark.parametrize("pattern, frame, path", [
    ("/s/a.####.exr", 7, "/s/a.0007.exr"), ("/s/a.%04d.exr", 1001, "/s/a.1001.exr"),
    ("/s/a.%d.exr", 5, "/s/a.5.exr"), ("/s/a.$F4.exr", 12, "/s/a.0012.exr"), ("/s/a.@@@.dpx", -3, "/s/a.-003.dpx"),
])
def test_when_frame_is_substituted_then_padding_kept(pattern: str, frame: int, path: str) -> None:
    assert frame_path(pattern, frame) == path


def test_when_listing_then_only_matching_padded_frames() -> None:
    names = ["a.0001.exr", "a.0002.exr", "a.12345.exr", "a.001.exr", "b.0001.exr", "a.0003.exr.genflag.json"]
    assert sequence_frames("/s/a.####.exr", names) == [1, 2, 12345]
    assert placeholder_padding("%d") == 0


@pytest.mark.parametrize("frames, count, picked", [
    (range(1, 102), 3, [1, 51, 101]), ([1, 2], 3, [1, 2]), ([5], 3, [5]), ([], 3, []), (range(1, 12), 5, [1, 3, 6, 9, 11]),
])
def test_when_sampling_then_first_middle_last(frames: list[int], count: int, picked: list[int]) -> None:
    assert sample_frames(frames, count) == picked


def test_when_roots_overlap_then_longest_wins() -> None:
    assert remap("/show/vfx/a.exr", [("/show", "/mnt/show"), ("/show/vfx", "/fast/vfx")]) == "/fast/vfx/a.exr"
