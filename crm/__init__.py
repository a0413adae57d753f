"""Customers, their identities on each channel, merges, notes, and their timeline."""
