"""Check timelines: options, the checker (walk → collect → evaluate → findings), batches and isolation."""
