"""Files genflag reads and writes, safely: atomic writes, output paths, positioned YAML/TOML, schemas."""
