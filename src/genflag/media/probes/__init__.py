"""Built-in media probes, one module each (registered in genflag.registry.BUILTINS); kept tiny because
plugin discovery imports this package."""
