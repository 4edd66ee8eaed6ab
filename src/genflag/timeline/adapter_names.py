"""OpenTimelineIO adapter names: check one given by the user, with a did-you-mean and the list of names."""

from __future__ import annotations

from ..errors import did_you_mean


def adapter_names() -> list[str]:
    """Names of the OpenTimelineIO adapters installed, sorted case-insensitively."""
    import opentimelineio as otio
    return sorted(otio.adapters.available_adapter_names(), key=str.lower)


def unknown_adapter(name: str) -> str | None:
    """None when ``name`` is an installed adapter, else a one-line message naming the installed ones."""
    names = adapter_names()
    if name in names:
        return None
    return f"unknown adapter {name!r}{did_you_mean(name, names)} (adapters: {', '.join(names)})"
