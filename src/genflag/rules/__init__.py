"""The rules engine: loading, validating and compiling YAML rule packs."""
