"""Query logs: sources -> parsers -> QueryEvent stream -> fingerprints -> digest (work in progress, issue 3)."""
