"""The REST API for integrators (`/api/v1/`): read models out, commands in, the event feed.
Every endpoint asks `contactcenter.access` who may see what, exactly as the console does."""
