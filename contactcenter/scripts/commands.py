"""The script beside a conversation: which one (its queue's), where the agent stands, the
agent's steps appended to the interaction's stream, and what wrap-up and QA ask of it."""

from contactcenter.commands import command
from contactcenter.events import store
from contactcenter.interactions import commands as interactions
from contactcenter.interactions.domain import DomainError, Interaction, stream_id
from contactcenter.scripts import guide
from contactcenter.scripts.events import ScriptStepDone
from contactcenter.scripts.models import Script
from routing import config


def script_of(queue_id: int | None) -> Script | None:
    # The console asks at every offer and answer, and most queues have no script: which
    # scripts a queue has is in the routing configuration's snapshot, read no more.
    queue = config.queue(queue_id)
    if queue is None or not queue.script_ids:
        return None
    return (
        Script.objects.filter(pk__in=queue.script_ids, active=True)
        .prefetch_related("steps")
        .order_by("name")
        .first()
    )


def path_of(interaction_id: str, script: str) -> list[guide.Done]:
    return [
        guide.Done(e.data["step"], e.data.get("choice", ""))
        for e in store.fold_stream(stream_id(interaction_id), {"ScriptStepDone"}, opened=True)[1]
        if e.data["script"] == script
    ]


def state(interaction_id: str, queue_id: int | None) -> dict | None:
    """The console's view of the script: its steps, which are done, the current one."""
    found = script_of(queue_id)
    if found is None:
        return None
    script = found.definition()
    if not script.steps:
        return None
    where = guide.progress(script, path_of(interaction_id, script.name))
    return {
        "name": script.name,
        "current": where.current,
        "missing": list(where.missing),
        "steps": [
            {
                "id": s.id,
                "text": s.text,
                "required": s.required,
                "options": [o.label for o in s.options],
                "done": s.id in where.done,
                "choice": where.done.get(s.id, ""),
                "skipped": s.id in where.skipped,
            }
            for s in script.steps
        ],
    }


@command
def mark_done(interaction_id: str, agent_id: int, step: str, choice: str = "") -> None:
    """The agent did a step of the interaction's script (the actions layer checked they hold
    it)."""

    def decide(interaction: Interaction) -> list:
        found = script_of(interaction.queue_id)
        if found is None:
            raise DomainError("this conversation has no script")
        script = found.definition()
        if reason := guide.can_do(script, path_of(interaction_id, script.name), step, choice):
            raise DomainError(reason)
        return [
            ScriptStepDone(
                interaction_id=interaction_id,
                script=script.name,
                step=step,
                choice=choice,
                agent_id=agent_id,
            )
        ]

    interactions.decide_and_append(interaction_id, decide)


def required_missing(interaction_id: str, queue_id: int | None) -> list[str]:
    """The required steps still owed (wrap-up refuses while there are)."""
    found = state(interaction_id, queue_id)
    if found is None:
        return []
    texts = {s["id"]: s["text"] for s in found["steps"]}
    return [texts[s] for s in found["missing"]]


def adherence(interaction_id: str, queue_id: int | None) -> tuple[float, str] | None:
    """(share of required steps done, in words) for QA's automatic criterion; None when the
    conversation had no script with required steps."""
    found = script_of(queue_id)
    if found is None:
        return None
    script = found.definition()
    path = path_of(interaction_id, script.name)
    share = guide.adherence(script, path)
    if share is None:
        return None
    where = guide.progress(script, path)
    owed = [s for s in script.steps if s.required and s.id not in where.skipped]
    done = sum(1 for s in owed if s.id in where.done)
    return share, f"{script.name}: {done} of {len(owed)} required steps done"
