"""Operators' work on a whole installation: backing up and restoring it."""
