"""Built-in collectors (one module each); kept tiny because plugin discovery imports this package."""
