"""The evaluation harness: question sets in (`questions`), each system's answers (`systems`), scores
(`metrics`), reports (`report`); `python -m assistant.eval` (`cli`)."""
