"""Stage 4, answer: the evidence for an answer, its text composed from the records, and optional generation."""
