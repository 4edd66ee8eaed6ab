#!/usr/bin/env python3
"""Set up a development environment and run genflag's demo or its test suite.

    python3 dev.py demo     # venv + install, then check the bundled example cut
    python3 dev.py test     # venv + install + test dependencies, then the whole test suite

Only needs Python 3.10+. Creates .venv/ in the repository; reinstalls only when
pyproject.toml (or a plugin's) changed, and `demo` reuses a `test` install (the test extra
is added once, the first time `test` runs). System packages the browser and tracker tests
need (Debian's chromium, postgresql, redis-server) are installed quietly with apt-get when
running as root on Debian; elsewhere those tests skip with the reason.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".genflag-installed"
PLUGINS = sorted(p for p in (ROOT / "plugins").glob("*") if (p / "pyproject.toml").exists())
TEST_SYSTEM_PACKAGES = ["chromium"]


def run(*cmd: object, check: bool = True, **kwargs: object) -> int:
    """Run a command, echoing it; return its exit code."""
    print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.run([str(c) for c in cmd], check=check, **kwargs).returncode  # type: ignore[arg-type]


def ensure_venv() -> None:
    """Create .venv with pip, installing Debian's python3-venv first if the interpreter lacks it."""
    if PYTHON.exists():
        return
    if sys.version_info < (3, 10):
        sys.exit(f"genflag needs Python 3.10 or newer; this is {sys.version.split()[0]}")
    if run(sys.executable, "-m", "venv", VENV, check=False) != 0:
        shutil.rmtree(VENV, ignore_errors=True)
        if not _apt_install([f"python3.{sys.version_info.minor}-venv"]):
            sys.exit("cannot create a virtual environment: install your distribution's python3-venv package")
        run(sys.executable, "-m", "venv", VENV)


def _fingerprint() -> str:
    """What decides the installed packages: genflag's and every plugin's pyproject.toml."""
    digest = hashlib.sha256()
    for project in [ROOT, *PLUGINS]:
        digest.update((project / "pyproject.toml").read_bytes())
    return digest.hexdigest()


def _installed_extras(fingerprint: str) -> set[str] | None:
    """The extras installed for this fingerprint (None when the venv must be installed afresh)."""
    try:
        stamp = json.loads(STAMP.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(stamp, dict) or stamp.get("fingerprint") != fingerprint:
        return None
    return set(stamp.get("extras", []))


def ensure_installed(extras: set[str]) -> None:
    """pip-install genflag (editable) with ``extras`` and its plugins, unless already there.

    The stamp records the pyproject files and the extras installed, so `dev.py demo` (no extra)
    reuses a `dev.py test` install and `dev.py test` after `dev.py demo` only adds the test extra.
    """
    fingerprint = _fingerprint()
    installed = _installed_extras(fingerprint)
    if installed is not None and extras <= installed:
        return
    wanted = sorted(extras | (installed or set()))
    pip = [PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    if installed is None:
        run(*pip, "--upgrade", "pip")
    target = f".[{','.join(wanted)}]" if wanted else "."
    run(*pip, "-e", target, *[arg for p in PLUGINS for arg in ("-e", str(p))], cwd=ROOT)
    if "test" in wanted:
        # traitgen (regenerates genflag's OpenAssetIO trait code in a test) pins old jsonschema and
        # PyYAML releases it does not need: install it without letting it downgrade them.
        run(*pip, "--no-deps", "openassetio-traitgen==1.0.0a14")
    STAMP.write_text(json.dumps({"fingerprint": fingerprint, "extras": wanted}))


def _apt_install(packages: list[str]) -> bool:
    """Install Debian packages when root with apt-get, quietly (its output is shown only when it fails);
    return False when that is not possible."""
    if not shutil.which("apt-get") or not hasattr(os, "geteuid") or os.geteuid() != 0:
        return False
    missing = [p for p in packages if subprocess.run(["dpkg", "-s", p], capture_output=True).returncode != 0]
    if not missing:
        return True
    print(f"+ apt-get install {' '.join(missing)} (output shown only on failure)", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update", "-qq"],
                ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing]):
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
        if proc.returncode != 0:
            print("\n".join((proc.stdout + proc.stderr).strip().splitlines()[-20:]), file=sys.stderr)
            return False
    return True


def demo() -> int:
    """Check the bundled example cut with the default rule pack."""
    ensure_venv()
    ensure_installed(set())
    return run(BIN / "genflag", "check", "examples/demo_cut.otio", check=False, cwd=ROOT)


def test(pytest_args: list[str]) -> int:
    """Run the whole test suite; 'no tests collected' counts as a failure."""
    ensure_venv()
    ensure_installed({"test"})
    if not _apt_install(TEST_SYSTEM_PACKAGES):
        print("note: could not install system test packages; browser tests may skip", flush=True)
    env = dict(os.environ)
    if env.get("CI"):  # in CI the tracker tests must run against a real server, never skip
        env.setdefault("GENFLAG_REQUIRE_KITSU", "1")
    code = run(PYTHON, "-m", "pytest", *pytest_args, check=False, cwd=ROOT, env=env)
    if code == 5:
        print("error: no tests were collected", file=sys.stderr)
        return 1
    return code


def main(argv: list[str]) -> int:
    """Dispatch `demo` or `test`."""
    if not argv or argv[0] not in ("demo", "test"):
        print(__doc__)
        return 2
    return demo() if argv[0] == "demo" else test(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
