"""The inbox's JSON endpoints under /console/inbox/ (docs/inbox.md). Each checks who asks
before it reads or writes: agents only, and a conversation only if `access` lets them open it
(else 404, like a conversation that does not exist)."""

from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from contactcenter.access import can_open
from contactcenter.actions import Actor, Forbidden
from contactcenter.actions import interactions as interaction_actions
from contactcenter.console import state
from contactcenter.inbox import canned_search, drafts, filters, listing, preferences, reopen
from contactcenter.inbox.http import BadRequest, body, error, text_field
from contactcenter.interactions.domain import MESSAGE_MAX_CHARS, NOTE_MAX_CHARS, DomainError
from contactcenter.interactions.models import Interaction
from contactcenter.roles import agent_required
from contactcenter.scripts import commands as scripts
from routing import config


def _limits() -> dict[str, int]:
    """The most characters a message may have on each channel the queues serve, for the
    composer's warning before a message would be cut."""
    from channels_adapters.base import capabilities

    channels = {c for q in config.current().queues.values() for c in q.channels}
    found = {c: capabilities(c).max_length for c in sorted(channels)}
    return {c: n for c, n in found.items() if n}


@agent_required
@require_http_methods(["GET", "POST"])
def settings_view(request: HttpRequest) -> JsonResponse:
    current = preferences.load(request.user.pk)
    if request.method == "POST":
        try:
            current = preferences.parse(body(request), current)
        except (BadRequest, preferences.InvalidSettings) as problem:
            return error(400, str(problem))
        preferences.save(request.user.pk, current)
    return JsonResponse(
        {
            **current.__dict__,
            "ring_sounds": list(preferences.RING_SOUNDS),
            "limits": _limits(),
            "message_max_chars": MESSAGE_MAX_CHARS,
            "note_max_chars": NOTE_MAX_CHARS,
        }
    )


def _openable(user: AbstractBaseUser, interaction_id: str) -> bool:
    return can_open(user, interaction_id)


@agent_required
@require_http_methods(["GET", "PUT"])
def draft(request: HttpRequest, interaction_id: str) -> JsonResponse:
    if not _openable(request.user, interaction_id):
        return error(404, "no such conversation")
    if request.method == "PUT":
        try:
            drafts.write(request.user.pk, interaction_id, text_field(body(request), "text"))
        except (BadRequest, drafts.DraftTooLong) as problem:
            return error(400, str(problem))
    return JsonResponse({"text": drafts.read(request.user.pk, interaction_id)})


@agent_required
@require_GET
def canned(request: HttpRequest) -> JsonResponse:
    interaction_id = request.GET.get("interaction", "")
    queue_id = None
    if interaction_id:
        if not _openable(request.user, interaction_id):
            return error(404, "no such conversation")
        queue_id = Interaction.objects.get(pk=interaction_id).queue_id
    found = canned_search.search(request.GET.get("q", "")[:200], queue_id)
    return JsonResponse({"canned": found})


@agent_required
@require_GET
def inbox(request: HttpRequest) -> JsonResponse:
    try:
        wanted = filters.parse(request.GET)
        found = listing.listing(request.user, wanted)
    except filters.InvalidFilter as problem:
        return error(400, str(problem))
    except listing.NotAllowed as problem:
        return error(403, str(problem))
    return JsonResponse(
        {
            "view": wanted.view,
            "views": list(listing.views_for(request.user)),
            "unread": found.unread,
            "in_hand_unread": found.in_hand_unread,
            "items": found.items,
        }
    )


@agent_required
@require_GET
def conversation(request: HttpRequest, interaction_id: str) -> JsonResponse:
    """The whole transcript of any conversation one may open, closed ones included."""
    if not _openable(request.user, interaction_id):
        return error(404, "no such conversation")
    return JsonResponse({"interaction": state.interaction_view(interaction_id, request.user)})


@agent_required
@require_POST
def read(request: HttpRequest, interaction_id: str) -> JsonResponse:
    """`{"message_id": …}` (optional): the last message the console showed the agent. For
    the agent handling it, this is also the customer's read receipt (`receipt`)."""
    if not _openable(request.user, interaction_id):
        return error(404, "no such conversation")
    try:
        seen = text_field(body(request), "message_id")
        position = listing.mark_read(request.user.pk, interaction_id, seen)
    except (BadRequest, listing.UnknownMessage) as problem:
        return error(400, str(problem))
    try:
        actor = Actor.of(request.user, "console")
        receipt = interaction_actions.read(actor, interaction_id, position)
    except Forbidden:  # it left their sight since: their marker moved, nothing else
        receipt = False
    return JsonResponse({"read_to": position, "receipt": receipt})


@agent_required
@require_POST
def follow_up(request: HttpRequest, interaction_id: str) -> JsonResponse:
    if not _openable(request.user, interaction_id):
        return error(404, "no such conversation")
    try:
        text = text_field(body(request), "text")
        new_id = reopen.follow_up(
            request.user, interaction_id, text, state.display_name(request.user)
        )
    except reopen.NotVisible as problem:
        return error(404, str(problem))
    except reopen.StillOpen as problem:
        return error(409, str(problem))
    except (BadRequest, DomainError) as problem:
        return error(400, str(problem))
    return JsonResponse({"interaction_id": new_id}, status=201)


@agent_required
@require_POST
def script_step(request: HttpRequest, interaction_id: str) -> JsonResponse:
    """{"step": id, "choice": an option's label}: a step of the conversation's guided script
    done (contactcenter/scripts); answers the script as the console shows it."""
    try:
        data = body(request)
        actor = Actor.of(request.user, "console")
        interaction_actions.script_step(
            actor, interaction_id, text_field(data, "step"), text_field(data, "choice")
        )
    except Forbidden:
        return error(404, "no such conversation of yours")
    except (BadRequest, DomainError) as problem:
        return error(400, str(problem))
    row = Interaction.objects.get(pk=interaction_id)
    return JsonResponse(scripts.state(interaction_id, row.queue_id))
