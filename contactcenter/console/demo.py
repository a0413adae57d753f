"""The demo tenant's canned responses."""

from contactcenter.console.models import CannedResponse

RESPONSES = [
    ("Greeting", "hi", "Hi {customer.first_name}, I'm {agent.first_name}. How can I help?"),
    ("Looking into it", "wait", "Thanks, {customer.first_name}. Let me look into that for you."),
    ("Anything else", "else", "Is there anything else I can help you with today?"),
    ("Goodbye", "bye", "Thanks for contacting us, {customer.first_name}. Have a great day!"),
]


def seed(log) -> None:
    for title, shortcut, text in RESPONSES:
        CannedResponse.objects.get_or_create(
            title=title, defaults={"shortcut": shortcut, "text": text}
        )
    log(f"canned responses: {', '.join(r[0] for r in RESPONSES)}")
