"""The youth council's tables and repositories."""
