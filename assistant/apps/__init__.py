"""The applications over the pipeline: the command line, the web chat and its public-mode protections."""
