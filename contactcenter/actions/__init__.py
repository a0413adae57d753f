"""The actions layer: every write a person asks for, from any shell, goes through one function
here (Zulip's `zerver/actions`). Each takes an `Actor` (who asks, in which role, through which
shell), checks that they may, applies the input limits, names the actor in the events'
metadata, and calls the domain's command. The console's socket, the REST API and the
supervisors' socket are thin: they parse a request, call an action, render its answer.

One module per domain: `interactions` (replies, notes, offers, transfer, end, wrap-up, close),
`presence`, `customers`, `supervision` (monitor, whisper, barge, say, force presence, assign).
The rules of who may do what are in `rules`; docs/security.md is their table.
"""

from contactcenter.actions.actor import Actor, Forbidden, NotVisible

__all__ = ["Actor", "Forbidden", "NotVisible"]
