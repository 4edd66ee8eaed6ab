"""Stdout formats for `genflag check` (one module each, registered as output plugins)."""
