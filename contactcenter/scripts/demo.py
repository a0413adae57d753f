"""The demo tenant's guided script, on the Support queue (docs/quality.md, Guided scripts)."""

from contactcenter.scripts.models import Script, ScriptStep
from routing.models import Queue

NAME = "Support call"
STEPS = [
    # id, text, required, options ("label | next step" lines), next step
    ("greet", "Greet the customer by name and say yours.", True, "", ""),
    ("verify", "Confirm who they are: their e-mail or card's last four digits.", True, "", ""),
    ("need", "Ask what they need.", False, "A fault | fault\nA question | answer", ""),
    ("fault", "Take the details: what happened, when, since which update.", True, "", "close"),
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
        support = Queue.objects.filter(name="Support").first()
        if support is not None:
            script.queues.add(support)
    log(f"scripts: {NAME!r} on the Support queue")
