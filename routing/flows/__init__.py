"""Self-service flows (IVR): one definition per entry point, run on every channel."""
