"""`/ws/agent/`: the agent console's socket. It authenticates the session, keeps the console's
group subscriptions (the agent's own group, and one per interaction they hold or open),
forwards pushes, and turns requests into actions (`contactcenter.actions`, acting as an
`Actor` that came through the console). No ORM work on the event
loop. Frames are documented in docs/websocket-protocol.md."""

import asyncio
from collections import deque

from contactcenter import access, groups, push
from contactcenter.actions import Actor, Forbidden
from contactcenter.actions import customers as customer_actions
from contactcenter.actions import interactions as actions
from contactcenter.actions import presence as presence_actions
from contactcenter.console import replies, state
from contactcenter.db_threads import for_screens
from contactcenter.db_threads import in_thread as database_sync_to_async
from contactcenter.interactions.domain import DomainError
from contactcenter.json_frames import frame_id
from contactcenter.request_socket import RequestConsumer
from contactcenter.roles import is_agent, is_supervisor
from routing import consoles

# Events after which an agent no longer holds the interaction, and after which nobody does.
LET_GO = {"OfferRejected", "OfferTimedOut", "OfferRescinded", "InteractionTransferred"}
ENDED = {"InteractionClosed", "InteractionAbandoned"}


class AgentConsumer(RequestConsumer):
    refusals = ((Forbidden, "forbidden"), (DomainError, "refused"))

    async def connect(self) -> None:
        push.bind_server_loop(asyncio.get_running_loop())
        self.user = self.scope.get("user")
        await self.accept()
        if not self.user or not self.user.is_authenticated:
            await self.reject("log in first")
            return
        # Read at every push: through the scope's lazy user, each read cost a proxy's lookup.
        self.user_id = self.user.pk
        agent, self.supervisor = await database_sync_to_async(_roles)(self.user)
        if not agent:
            await self.reject("this account is not an agent")
            return
        self.watching: set[str] = set()
        self.forwarded: deque[int] = deque(maxlen=2000)
        await self.channel_layer.group_add(groups.agent(self.user.pk), self.channel_name)
        await self.channel_layer.group_add(groups.ALERTS, self.channel_name)
        await database_sync_to_async(consoles.opened)(self.user.pk, self.channel_name)
        await self.send_snapshot()

    async def reject(self, reason: str) -> None:
        await self.send_json({"type": "error", "code": "unauthorized", "reason": reason})
        await self.close(code=4403)

    async def disconnect(self, code: int) -> None:
        if not hasattr(self, "watching"):
            return
        await database_sync_to_async(consoles.closed)(self.user.pk, self.channel_name)
        await self.channel_layer.group_discard(groups.agent(self.user.pk), self.channel_name)
        await self.channel_layer.group_discard(groups.ALERTS, self.channel_name)
        for interaction_id in list(self.watching):
            await self.unwatch(interaction_id)

    async def watch(self, interaction_id: str) -> None:
        if interaction_id not in self.watching:
            self.watching.add(interaction_id)
            await self.channel_layer.group_add(
                groups.interaction(interaction_id), self.channel_name
            )

    async def unwatch(self, interaction_id: str) -> None:
        if interaction_id in self.watching:
            self.watching.discard(interaction_id)
            await self.channel_layer.group_discard(
                groups.interaction(interaction_id), self.channel_name
            )

    async def send_snapshot(self) -> None:
        snapshot = await for_screens(state.snapshot)(self.user)
        for item in snapshot["interactions"]:
            await self.watch(item["id"])
        await self.send_json(snapshot)

    # -- requests --------------------------------------------------------------------------

    def act(self, action, *args, **kwargs):
        def as_actor():
            return action(Actor.of(self.user, "console"), *args, **kwargs)

        return database_sync_to_async(as_actor)()

    async def on_sync(self, content):
        await self.send_snapshot()

    async def on_colleagues(self, content):
        """Who one may transfer to, with their presence now (the dialog asks as it opens)."""
        return {"agents": await database_sync_to_async(state.agent_directory)()}

    async def on_presence(self, content):
        await self.act(
            presence_actions.set_presence,
            self.user.pk,
            str(content["presence"]),
            str(content.get("reason", "")),
        )

    async def on_accept(self, content):
        interaction_id, offer_id = str(content["interaction_id"]), str(content["offer_id"])
        # The console opened the offer: it asks only for what the accept changed ("partial"),
        # or for nothing ("none") where the offer's view held back no whisper for the agent:
        # the accept's events come as pushes, their activity lines with them.
        wanted = content.get("view")
        partial = wanted in ("partial", "none")
        subscribed = interaction_id in self.watching  # since its offer was pushed here
        read_with_it = subscribed and wanted != "none"

        def accept(actor):
            actions.accept(actor, interaction_id, offer_id)
            if read_with_it:  # the view in the same trip to the database (issue 18)
                return state.interaction_view(interaction_id, self.user, partial=partial)
            return None

        view = await self.act(accept)
        if not subscribed:
            # Accepted, then subscribed, then read: a refused accept left the socket deaf
            # to the chat, and the view misses no push.
            await self.watch(interaction_id)
            view = await database_sync_to_async(state.interaction_view)(
                interaction_id, self.user, partial=partial
            )
        return {"interaction": view}

    async def on_reject(self, content):
        await self.act(
            actions.reject,
            str(content["interaction_id"]),
            str(content["offer_id"]),
            str(content.get("reason", "")),
        )

    async def on_open(self, content):
        interaction_id = str(content["interaction_id"])
        checked = interaction_id not in self.watching
        if checked:
            # Checked, then subscribed, then read: a refused socket stays deaf to the
            # interaction, and the view misses no push.
            if not await database_sync_to_async(state.viewable)(self.user, interaction_id):
                raise Forbidden("that interaction is not in your queues")
            await self.watch(interaction_id)
        # Else subscribed already (its offer was pushed here): the check and the view in one
        # trip to the database (issue 18).
        view = await database_sync_to_async(state.opened)(self.user, interaction_id, checked)
        if view is None:
            raise Forbidden("that interaction is not in your queues")
        await self.send_json({"type": "interaction", "interaction": view})

    async def on_close_view(self, content):
        await self.unwatch(str(content["interaction_id"]))

    async def on_send(self, content):
        message_id = await self.act(
            actions.send,
            str(content["interaction_id"]),
            str(content.get("text", "")),
            client_message_id=str(content.get("client_message_id", "")),
            subject=str(content.get("subject", "")),
            cc=content.get("cc") or None,
        )
        return {"message_id": message_id}

    async def on_note(self, content):
        note_id = await self.act(
            actions.note, str(content["interaction_id"]), str(content.get("text", ""))
        )
        return {"note_id": note_id}

    async def on_typing(self, content):
        """Only the agent handling the conversation types to the customer."""
        interaction_id = str(content["interaction_id"])
        target = await self.act(actions.typing_audience, interaction_id)
        frame = {"type": "typing", "who": "agent", "interaction_id": interaction_id}
        for group in (groups.interaction(interaction_id), *target):
            await self.channel_layer.group_send(group, {"type": "push.frames", "frames": [frame]})

    async def on_transfer(self, content):
        await self.act(
            actions.transfer,
            str(content["interaction_id"]),
            str(content["kind"]),
            to_queue_id=_int(content.get("queue_id")),
            to_agent_id=_int(content.get("agent_id")),
            note=str(content.get("note", "")),
        )

    async def on_end(self, content):
        await self.act(actions.end, str(content["interaction_id"]))

    async def on_wrap_up(self, content):
        await self.act(
            actions.wrap_up,
            str(content["interaction_id"]),
            str(content.get("disposition", "")),
            notes=str(content.get("notes", "")),
            follow_up_on=str(content.get("follow_up_on", "")),
            call_back_at=str(content.get("call_back_at", "")),
        )

    async def on_canned(self, content):
        text = await self.act(
            replies.canned_text, str(content["interaction_id"]), frame_id(content["canned_id"])
        )
        return {"text": text}

    async def on_merge_customer(self, content):
        interaction_id = str(content["interaction_id"])
        await self.act(
            customer_actions.merge_possible_match, interaction_id, str(content["into_customer_id"])
        )
        view = await database_sync_to_async(state.interaction_view)(interaction_id, self.user)
        return {"interaction": view}

    async def on_customer_note(self, content):
        note_id = await self.act(
            customer_actions.add_note, str(content["customer_id"]), str(content.get("text", ""))
        )
        return {"note_id": note_id}

    # -- pushes -----------------------------------------------------------------------------

    async def push_frames(self, message) -> None:
        for frame in message["frames"]:
            if frame.get("type") == "typing":
                if frame.get("who") != "agent":
                    await self.send_json(frame)
                continue
            position = frame.get("position")
            if position in self.forwarded:
                continue  # came through both our own group and the interaction's
            self.forwarded.append(position)
            await self.follow(frame)
            await self.send_json(frame if self._may_read(frame) else _without_text(frame))

    def _may_read(self, frame) -> bool:
        """A supervisor's whisper is for the agent handling the conversation (its push says
        who: `for_agent`, console/state.py) and supervisors. Any console watching the
        conversation is pushed it: one it is only offered to, a colleague's who opened it."""
        if not access.is_whisper(frame.get("event", ""), frame.get("data") or {}):
            return True
        return self.supervisor or frame.get("for_agent") == self.user_id

    async def follow(self, frame) -> None:
        """Keep the interaction subscriptions in step with what this agent holds."""
        data = frame.get("data", {})
        interaction_id = data.get("interaction_id")
        if not interaction_id:
            return
        mine = data.get("agent_id") == self.user_id or data.get("from_agent_id") == self.user_id
        if frame["event"] in ("OfferCreated", "InteractionAssigned") and mine:
            await self.watch(interaction_id)
        elif (frame["event"] in LET_GO and mine) or frame["event"] in ENDED:
            await self.unwatch(interaction_id)


def _roles(user) -> tuple[bool, bool]:
    """Whether the user is an agent, and a supervisor: one trip to a thread for both."""
    return is_agent(user), is_supervisor(user)


def _without_text(frame: dict) -> dict:
    """A whisper's push for a console not to read it. A copy: the frames of one push are
    shared by every socket of this process it reaches."""
    kept = {key: value for key, value in frame.items() if key != "for_agent"}
    return {**kept, "data": access.whisper_unread(frame["data"])}


def _int(value) -> int | None:
    return None if value in (None, "") else frame_id(value)
