from tests.twilio_api import api  # noqa: F401  (Twilio's REST API, served here)
