"""docs/security.md's promises that no other test module pins: no network, nothing from an input runs."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.conftest import DEMO, EXAMPLES
from tests.helpers import make_clip, make_timeline, write_otio


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Refuse every internet socket and name lookup; return what was attempted."""
    attempts: list[str] = []
    real_socket = socket.socket

    class Refusing(real_socket):  # type: ignore[misc, valid-type]
        def __init__(self, family: int = socket.AF_INET, *args: object, **kwargs: object) -> None:
            if family in (socket.AF_INET, socket.AF_INET6):
                attempts.append(f"socket({family})")
                raise OSError("network refused by the test")
            super().__init__(family, *args, **kwargs)  # type: ignore[arg-type]

    def refuse(name: str):  # type: ignore[no-untyped-def]
        def refused(*args: object, **kwargs: object) -> None:
            attempts.append(f"{name}{args[:2]}")
            raise OSError("network refused by the test")
        return refused
    monkeypatch.setattr(socket, "socket", Refusing)
    for name in ("create_connection", "getaddrinfo", "gethostbyname"):
        monkeypatch.setattr(socket, name, refuse(name))
    return attempts


@pytest.mark.parametrize("command", [
    ["check", DEMO, "--jobs", "1"],
    ["check", EXAMPLES / "demo_cut.edl", "--jobs", "1", "--format", "json"],
    ["report", DEMO, "-o", "{tmp}/report.html"],
    ["annotate", DEMO, "-o", "{tmp}/flagged.otio"],
    ["credits", DEMO],
    ["probe", EXAMPLES / "assets" / "media" / "sh020_plate_v001.png"],
], ids=["check", "check edl json", "report", "annotate", "credits", "probe"])
def test_a_run_opens_no_network_connection(run_cli, no_network: list[str], tmp_path: Path, command: list[object]) -> None:  # type: ignore[no-untyped-def]
    args = [str(a).replace("{tmp}", str(tmp_path)) for a in command]
    result = run_cli(*args, *(["--cache-dir", tmp_path / "cache"] if args[0] != "credits" else []))
    assert result.code in (0, 1), result.err
    assert no_network == []


def test_names_that_look_like_shell_commands_run_nothing(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    marker = tmp_path / "pwned"
    payloads = [f"$(touch {marker})", f"`touch {marker}`", f"; touch {marker}", f"| touch {marker}",
                f"{{__import__('os').system('touch {marker}')}}", "{clip.__class__.__init__.__globals__}"]
    clips = [make_clip(f"SH{i:03d}_runway {p}", f"media/{p}.mov", metadata={"note": p}) for i, p in enumerate(payloads)]
    cut = write_otio(make_timeline(("V1", clips)), tmp_path / "cut.otio")
    for args in (["check", cut, "--jobs", "1"], ["annotate", cut, "-o", tmp_path / "out.otio"],
                 ["report", cut, "-o", tmp_path / "r.html"], ["credits", cut, "--format", "md"]):
        assert run_cli(*args, "--cache-dir", tmp_path / "cache").code in (0, 1)
    assert not marker.exists()
