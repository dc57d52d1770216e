"""The youth council's timed work and exports: meeting occurrences, calendars."""
