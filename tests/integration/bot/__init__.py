"""bot tests."""
