"""How to install one of genflag's extras into the running environment, as a command to copy."""

from __future__ import annotations

import json
import shlex
import sys
from urllib.parse import unquote, urlsplit


def install_source() -> tuple[str, bool]:
    """Where this genflag was installed from and whether editably: its folder when installed from a directory
    (a clone), else its name on the package index."""
    from importlib import metadata
    try:
        direct = json.loads(metadata.distribution("genflag").read_text("direct_url.json") or "{}")
    except (metadata.PackageNotFoundError, ValueError):
        return "genflag", False
    url = urlsplit(str(direct.get("url", "")))
    if url.scheme == "file" and isinstance(direct.get("dir_info"), dict):
        return unquote(url.path), bool(direct["dir_info"].get("editable"))
    return "genflag", False


def extra_install_command(extra: str) -> str:
    """The pip command that adds ``extra`` to this environment's genflag, e.g.
    ``/venv/bin/python -m pip install '/src/genflag[dask]'`` (``-e`` for an editable install)."""
    source, editable = install_source()
    target = shlex.quote(f"{source}[{extra}]")
    return f"{shlex.quote(sys.executable)} -m pip install {'-e ' if editable else ''}{target}"
