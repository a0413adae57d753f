"""The demo tenant's guided script, on the Billing queue (docs/quality.md, Guided scripts):
billing conversations check who the customer is before anything else. (Not on Support, whose
wrap-ups the fault drill and the soak run make without a script.)"""

from contactcenter.scripts.models import Script, ScriptStep
from routing.models import Queue

NAME = "Billing call"
STEPS = [
    # id, text, required, options ("label | next step" lines), next step
    ("greet", "Greet the customer by name and say yours.", True, "", ""),
    ("verify", "Confirm who they are: their e-mail or card's last four digits.", True, "", ""),
    ("need", "Ask what they need.", False, "A wrong charge | charge\nA question | answer", ""),
    ("charge", "Find the charge and say whether it can be refunded.", True, "", "close"),
    ("answer", "Answer, or find the article with the knowledge search.", False, "", "close"),
    ("close", "Check it is solved and say what happens next.", True, "", ""),
]  # fmt: skip


def seed(log) -> None:
    script, created = Script.objects.get_or_create(name=NAME)
    if created:
        for position, (step_id, text, required, options, next_step) in enumerate(STEPS):
            ScriptStep.objects.create(
                script=script,
                step_id=step_id,
                text=text,
                required=required,
                options=options,
                next_step=next_step,
                position=position,
            )
        billing = Queue.objects.filter(name="Billing").first()
        if billing is not None:
            script.queues.add(billing)
    log(f"scripts: {NAME!r} on the Billing queue")
