"""genflag as an OpenAssetIO host: resolve entity references, read provenance, publish flags.

Kept tiny on purpose: plugin discovery imports this package, so OpenAssetIO is only
imported by the submodules (host, resolve, publish) when they are used.
"""
