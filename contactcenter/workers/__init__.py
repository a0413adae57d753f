"""Background work: loops (loop.py), the registry apps add theirs to (registry.py), and the
supervision of one process's loops — watchdog, heartbeat, health (supervision.py)."""
