"""Stage 2, index: chunks of the records, their embeddings, and the persistent Chroma store."""
