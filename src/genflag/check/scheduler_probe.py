"""Try a Dask scheduler's TCP port before handing the address to dask.distributed.

distributed's Client retries a refused connection until its timeout (10 s); a socket connect tells
at once when nothing listens there or the host name does not resolve.
"""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

DEFAULT_PORT = 8786
TCP_SCHEMES = ("tcp", "tls")


def unreachable_reason(address: str, timeout: float = 10.0) -> str | None:
    """Why a TCP connection to the scheduler at ``address`` cannot be opened, or None when it can (or when
    the address is not a TCP one genflag can try, such as ucx:// or inproc://)."""
    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    if parts.scheme not in TCP_SCHEMES:
        return None
    try:
        host, port = parts.hostname, parts.port or DEFAULT_PORT
    except ValueError:
        return "not a HOST:PORT address"
    if not host:
        return "no host in the address"
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return None
    except ConnectionRefusedError:
        return f"connection refused (nothing listens on {host}:{port})"
    except socket.gaierror:
        return f"unknown host {host!r}"
    except (socket.timeout, TimeoutError):
        return f"no answer from {host}:{port} within {timeout:g} s"
    except OSError as exc:
        return exc.strerror or str(exc)
