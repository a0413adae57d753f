"""A guided script: the steps an agent follows beside a conversation or call (greet, verify,
offer, close), with branches, and which of them are required. Pure: the definition and the
steps the agent marked done (in order) in, where they stand out.

A step is done once the agent marks it (with the option they chose, for a step that asks a
question); the script's *current* step is where their path leads next: the chosen option's
step, else the step's `next`, else the next one in order. Required steps on the path the
agent took must be done before wrap-up; *adherence* is the share of required steps done,
for QA's automatic criterion.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Option:
    label: str
    next: str


@dataclass(frozen=True)
class Step:
    id: str
    text: str
    required: bool = False
    options: tuple[Option, ...] = ()
    next: str = ""


@dataclass(frozen=True)
class Script:
    name: str
    steps: tuple[Step, ...]

    def step(self, step_id: str) -> Step | None:
        return next((s for s in self.steps if s.id == step_id), None)


@dataclass(frozen=True)
class Done:
    step: str
    choice: str = ""  # the option's label, for a step with options


@dataclass(frozen=True)
class Progress:
    current: str  # the step to do now ("": the script is through)
    done: dict[str, str] = field(default_factory=dict)  # step -> choice
    skipped: tuple[str, ...] = ()  # steps a branch passed by: not owed
    missing: tuple[str, ...] = ()  # required steps not done on the agent's way

    @property
    def finished(self) -> bool:
        return not self.current


def _after(script: Script, step: Step, choice: str) -> str:
    chosen = next((o for o in step.options if o.label == choice), None)
    if chosen is not None:
        return chosen.next
    if step.next:
        return step.next
    index = script.steps.index(step)
    return script.steps[index + 1].id if index + 1 < len(script.steps) else ""


def progress(script: Script, path: list[Done]) -> Progress:
    done = {d.step: d.choice for d in path if script.step(d.step) is not None}
    visited: list[str] = []
    current = script.steps[0].id if script.steps else ""
    while current and current in done and current not in visited:  # (a loop ends the walk)
        visited.append(current)
        current = _after(script, script.step(current), done[current])
    reachable = set(visited) | ({current} if current else set())
    # Steps before the current one in order that the way did not pass: a branch skipped them.
    order = [s.id for s in script.steps]
    last = order.index(current) if current in order else len(order)
    skipped = tuple(s for s in order[:last] if s not in reachable and s not in done)
    missing = tuple(
        s.id for s in script.steps if s.required and s.id not in done and s.id not in skipped
    )
    return Progress(current=current, done=done, skipped=skipped, missing=missing)


def adherence(script: Script, path: list[Done]) -> float | None:
    """Required steps done ÷ required steps owed (on the way taken); None: none were owed."""
    state = progress(script, path)
    owed = [s for s in script.steps if s.required and s.id not in state.skipped]
    if not owed:
        return None
    return sum(1 for s in owed if s.id in state.done) / len(owed)


def can_do(script: Script, path: list[Done], step_id: str, choice: str) -> str:
    """Why the agent cannot mark `step_id` done now ("" when they can)."""
    step = script.step(step_id)
    if step is None:
        return f"the script has no step {step_id!r}"
    if step_id in progress(script, path).done:
        return "that step is done already"
    if step.options and choice not in {o.label for o in step.options}:
        return f"choose one of {', '.join(o.label for o in step.options)}"
    return ""
