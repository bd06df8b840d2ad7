"""Survey files: loading, validation with paths, the question-type registry,
and the typed view over a validated definition."""
