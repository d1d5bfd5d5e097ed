"""Stage 3, query: what a question asks (its route and arguments), and hybrid retrieval over the chunks."""
