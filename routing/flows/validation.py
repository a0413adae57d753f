"""Whether a flow can run, in words an admin can act on: targets that exist, every step
reachable, no loop without an exit, no loop that never waits for the customer. Pure."""

import re

from routing.flows.definition import (
    EXITS,
    NEEDS_QUEUE,
    WAITS,
    FlowDefinition,
    Kind,
    Step,
    parse_skills,
)


def validate(flow: FlowDefinition) -> list[str]:
    """What stops `flow` from running, in words an admin can act on (empty: it can run)."""
    errors = []
    if flow.start not in flow.steps:
        errors.append(f"the start step {flow.start!r} does not exist")
    for step in flow.steps.values():
        errors += [f"step {step.id!r}: {problem}" for problem in _step_problems(step)]
        for what, target in step.targets():
            if target not in flow.steps:
                errors.append(f"step {step.id!r}: its {what} leads to {target!r}, which is missing")
    if errors:
        return errors
    reachable = _reachable(flow, [flow.start])
    unreachable = [s for s in flow.steps if s not in reachable]
    if unreachable:
        errors.append(
            f"{_plural(unreachable, 'step')} {', '.join(map(repr, unreachable))} cannot be "
            f"reached from the start step {flow.start!r}"
        )
    stuck = [s for s in flow.steps if s in reachable and not _reachable(flow, [s]) & _exits(flow)]
    if stuck:
        loop = _cycle(flow, set(stuck)) or stuck
        errors.append(
            f"a loop with no exit: {' → '.join(loop)}: none of these steps leads to a route, "
            "voicemail, callback or end step"
        )
    automatic = {s.id for s in flow.steps.values() if s.kind not in WAITS}
    if spin := _cycle(flow, automatic):
        errors.append(
            f"a loop that never waits for the customer: {' → '.join(spin)}: put a menu or a "
            "collect step in it, or break it"
        )
    return errors


def _step_problems(step: Step) -> list[str]:
    problems = []
    if step.kind in {Kind.MESSAGE, Kind.COLLECT, Kind.SET} and not step.next:
        problems.append(f"a {step.kind} step needs a next step")
    if step.kind is Kind.MESSAGE and not step.text.strip():
        problems.append("a message step needs its text")
    if step.kind is Kind.MENU:
        if not step.options:
            problems.append("a menu needs at least one option")
        values = [o.value.lower() for o in step.options]
        if len(set(values)) != len(values):
            problems.append("two options share a value")
        if not step.text.strip():
            problems.append("a menu needs a prompt")
    if step.kind is Kind.VIRTUAL and not step.text.strip():
        problems.append("a virtual agent step needs its greeting (what it asks first)")
    if step.kind is Kind.COLLECT:
        if not step.attribute:
            problems.append("a collect step needs the attribute to store the answer in")
        if not step.text.strip():
            problems.append("a collect step needs a prompt")
        if step.pattern:
            try:
                re.compile(step.pattern)
            except re.error as error:
                problems.append(f"its pattern is not a regular expression: {error}")
    if step.kind is Kind.HOURS:
        if step.hours is None:
            problems.append("a business-hours step needs a calendar")
        if not (step.next and step.fallback):
            problems.append(
                "a business-hours step needs a next step (open) and a fallback (closed)"
            )
    if step.kind is Kind.CONDITION:
        if not step.attribute:
            problems.append("a condition step needs 'label' or an attribute's key")
        if step.attribute == "label" and not step.pattern:
            problems.append("a label condition needs the label (in pattern)")
        if not (step.next and step.fallback):
            problems.append("a condition step needs a next step (yes) and a fallback (no)")
    if step.kind is Kind.SET:
        if not step.assignments:
            problems.append("a set step needs at least one 'name = value'")
        problems += _assignment_problems(step.assignments)
    if step.kind is Kind.LOOKUP:
        if step.lookup_id is None:
            problems.append("a lookup step needs the endpoint to ask (lookup)")
        if not (step.next and step.fallback):
            problems.append("a lookup step needs a next step (answered) and a fallback (no answer)")
        bad = [f for f in step.assignments.values() if not re.fullmatch(r"[\w-]+(\.[\w-]+)*", f)]
        if bad:
            problems.append(
                f"its assignments read 'attribute = answer field' (e.g. shipped_on = "
                f"shipment.date); {', '.join(map(repr, bad))} is not a field's name"
            )
    if step.kind in NEEDS_QUEUE and step.queue_id is None:
        problems.append(f"a {step.kind} step needs a queue")
    if step.kind is Kind.VOICEMAIL and not step.text.strip():
        problems.append("a voicemail step needs a prompt")
    return problems


def _assignment_problems(assignments: dict[str, str]) -> list[str]:
    problems = []
    if "priority" in assignments:
        try:
            int(assignments["priority"])
        except ValueError:
            problems.append(f"priority {assignments['priority']!r} is not a whole number")
    if "skill" in assignments:
        try:
            parse_skills(assignments["skill"])
        except ValueError as error:
            problems.append(str(error))
    return problems


def _reachable(flow: FlowDefinition, start: list[str]) -> set[str]:
    seen, todo = set(), list(start)
    while todo:
        step_id = todo.pop()
        if step_id in seen or step_id not in flow.steps:
            continue
        seen.add(step_id)
        step = flow.steps[step_id]
        todo += [t for _, t in step.targets()]
        if step.kind in {Kind.MENU, Kind.COLLECT, Kind.VOICEMAIL} and not step.fallback:
            seen.add("")  # running out of retries leads to the default exit
    return seen


def _exits(flow: FlowDefinition) -> set[str]:
    return {s.id for s in flow.steps.values() if s.kind in EXITS} | {""}


def _cycle(flow: FlowDefinition, among: set[str]) -> list[str] | None:
    """A cycle through steps of `among` only, as ids with the first repeated at the end."""
    state: dict[str, int] = {}  # 1: on the path, 2: done

    def visit(step_id: str, path: list[str]) -> list[str] | None:
        state[step_id] = 1
        for _, target in flow.steps[step_id].targets():
            if target not in among:
                continue
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (found := visit(target, [*path, target])):
                return found
        state[step_id] = 2
        return None

    for step_id in sorted(among):
        if step_id not in state and (found := visit(step_id, [step_id])):
            return found
    return None


def _plural(items: list, word: str) -> str:
    return word if len(items) == 1 else f"{word}s"
