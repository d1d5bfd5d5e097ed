"""Stage 1, ingest: read document files, parse notices into records, derive their identity, load their units."""
