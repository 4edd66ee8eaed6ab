"""Where instance data keeps files, and frame runs collapsed to one pattern."""

from __future__ import annotations

import os

from genflag_pyblish.inputs import collapse_frames, instance_files, split_inputs


def test_files_are_found_in_every_conventional_place_once() -> None:
    data = {"genflagFiles": ["/a/x.png"], "path": "/a/cut.otio", "files": ["/a/x.png", "/a/y.exr"],
            "stagingDir": "/stage",
            "representations": [{"files": ["r.0001.exr", "r.0002.exr"]},
                                {"files": "z.mov", "stagingDir": "/other"}, "not a mapping"]}
    assert instance_files(data) == ["/a/x.png", "/a/cut.otio", "/a/y.exr", "/stage/r.0001.exr",
                                    "/stage/r.0002.exr", "/other/z.mov"]


def test_timelines_and_media_are_split_and_frames_collapsed() -> None:
    inputs = split_inputs(["/s/cut.edl", "/s/r.0001.exr", "/s/r.0002.exr", "/s/still.png", "/s/reel.otio"])
    assert inputs.timelines == ["/s/cut.edl", "/s/reel.otio"]
    assert inputs.media == [os.path.join("/s", "r.####.exr"), "/s/still.png"]


def test_only_frames_of_the_same_padding_and_extension_make_one_pattern() -> None:
    paths = ["/s/a.001.exr", "/s/a.0002.exr", "/s/a.003.exr", "/s/a.004.dpx", "/s/b_v003.png"]
    assert collapse_frames(paths) == ["/s/a.###.exr", "/s/a.0002.exr", "/s/a.004.dpx", "/s/b_v003.png"]
