"""barcamp package."""
