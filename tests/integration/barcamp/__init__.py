"""barcamp tests."""
