"""Routing: queues, skills, agents and presence, matching, offers, timers, the simulator."""
