"""The append-only event log: every fact of the contact center, in one table."""
