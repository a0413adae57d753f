"""`/ws/supervisor/`: the wallboard, pushed. Every committed event reaches the supervisors'
group; the socket coalesces them, recomputing the board at most every half second and sending
it only when it changed, so a burst of events never floods the browser. The same socket
carries monitoring: open a conversation live, whisper, barge in, force a presence, assign by
hand. A team lead's socket carries their team's board, and the actions layer lets them act on
their team only. Frames are documented in docs/websocket-protocol.md."""

import asyncio
import json
import logging

from contactcenter import groups, push
from contactcenter.access import may_supervise, supervised_agents
from contactcenter.actions import Actor
from contactcenter.actions import supervision as actions
from contactcenter.console import state
from contactcenter.db_threads import for_screens, in_thread
from contactcenter.json_frames import frame_id
from contactcenter.outage import is_transient
from contactcenter.request_socket import RequestConsumer
from contactcenter.supervisor import wallboard

log = logging.getLogger(__name__)
ENDED = ("InteractionClosed", "InteractionAbandoned")

COALESCE_SECONDS = 0.5
# Today's KPIs come from a catch-up projection a moment behind the live counts: one more look
# shortly after a burst catches them up.
TRAILING_SECONDS = 1.5
REFRESH_SECONDS = 10.0  # alerts and figures move without events too


class SupervisorConsumer(RequestConsumer):
    async def connect(self) -> None:
        push.bind_server_loop(asyncio.get_running_loop())
        self.user = self.scope.get("user")
        await self.accept()
        if not self.user or not await in_thread(may_supervise)(self.user):
            await self.send_json(
                {"type": "error", "code": "unauthorized", "reason": "supervisors only"}
            )
            await self.close(code=4403)
            return
        # Whom the board shows, as the socket opens (a change of team shows on reconnecting).
        self.team = await in_thread(supervised_agents)(self.user)
        self.monitoring: str | None = None
        self.last_board = ""
        self.dirty = asyncio.Event()
        await self.channel_layer.group_add(groups.SUPERVISORS, self.channel_name)
        await self.send_board(opening=True)
        self.refresher = asyncio.create_task(self.refresh())

    async def disconnect(self, code: int) -> None:
        if not hasattr(self, "dirty"):
            return
        self.refresher.cancel()
        await self.channel_layer.group_discard(groups.SUPERVISORS, self.channel_name)
        await self.stop_monitoring("left")

    async def send_board(self, opening: bool = False) -> None:
        board = await for_screens(wallboard.board)(None, self.team, opening)
        encoded = json.dumps(board, sort_keys=True, default=str)
        comparable = json.dumps(
            {k: v for k, v in board.items() if k != "at"}, sort_keys=True, default=str
        )
        if comparable != self.last_board:
            self.last_board = comparable
            await self.send(text_data=encoded)

    async def refresh(self) -> None:
        trailing = False
        while True:
            try:
                await asyncio.wait_for(
                    self.dirty.wait(), TRAILING_SECONDS if trailing else REFRESH_SECONDS
                )
                trailing = True
            except TimeoutError:
                trailing = False
            self.dirty.clear()
            try:
                await self.send_board()
            except Exception as error:  # the next round tries again; the loop must not die
                (log.warning if is_transient(error) else log.exception)(
                    "wallboard refresh failed: %s", error
                )
            await asyncio.sleep(COALESCE_SECONDS)

    async def push_frames(self, message) -> None:
        monitored = []
        for frame in message["frames"]:
            if frame.get("type") == "event":
                self.dirty.set()
            about = frame.get("data", {}).get("interaction_id") or frame.get("interaction_id")
            if self.monitoring and about == self.monitoring:
                monitored.append(frame)
        for frame in monitored:
            await self.send_json(frame)
            if frame.get("event") in ENDED:
                await self.stop_monitoring("closed")

    # -- requests ---------------------------------------------------------------------------

    def act(self, action, *args):
        def as_actor():
            return action(Actor.of(self.user, "supervisor"), *args)

        return in_thread(as_actor)()

    async def on_monitor(self, content):
        """Start monitoring, or (the same interaction again) a fresh view of it: the page asks
        again after a gap in versions, and that records nothing."""
        interaction_id = str(content["interaction_id"])
        if self.monitoring != interaction_id:
            await self.stop_monitoring()
            await self.act(actions.monitor, interaction_id)
            self.monitoring = interaction_id
            await self.channel_layer.group_add(
                groups.interaction(interaction_id), self.channel_name
            )
        view = await in_thread(state.interaction_view)(interaction_id, self.user)
        barged = await in_thread(actions.barged)(interaction_id, self.user.pk)
        return {"interaction": view, "barged": barged}

    async def on_stop_monitoring(self, content):
        await self.stop_monitoring()

    async def stop_monitoring(self, why: str = "stopped") -> None:
        if self.monitoring:
            interaction_id, self.monitoring = self.monitoring, None
            await self.channel_layer.group_discard(
                groups.interaction(interaction_id), self.channel_name
            )
            await self.act(actions.stop_monitoring, interaction_id, why)

    async def on_whisper(self, content):
        return {
            "note_id": await self.act(
                actions.whisper, str(content["interaction_id"]), str(content.get("text", ""))
            )
        }

    async def on_barge(self, content):
        await self.act(actions.barge, str(content["interaction_id"]))

    async def on_say(self, content):
        return {
            "message_id": await self.act(
                actions.say,
                str(content["interaction_id"]),
                str(content.get("text", "")),
                str(content.get("client_message_id", "")),
            )
        }

    async def on_force_presence(self, content):
        await self.act(
            actions.force_presence,
            frame_id(content["agent_id"]),
            str(content["presence"]),
            str(content.get("reason", "")),
        )

    async def on_assign(self, content):
        await self.act(
            actions.assign, str(content["interaction_id"]), frame_id(content["agent_id"])
        )

    async def on_refresh(self, content):
        self.last_board = ""
        await self.send_board()
