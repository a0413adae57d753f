"""Interactions: one per customer contact, whatever the channel, and their state machine."""
