"""Request/ack over a staff socket (`/ws/agent/`, `/ws/supervisor/`): a frame
`{"type": T, "ref": R, ...}` runs the consumer's `on_T` handler and is answered with an `ack`
carrying R and whatever the handler returned, or an `error` frame with a code and a reason
(docs/websocket-protocol.md)."""

from typing import Any

from contactcenter.interactions.domain import DomainError
from contactcenter.json_frames import JsonFramesConsumer


class RequestConsumer(JsonFramesConsumer):
    # Refusals a handler may raise, most specific first, and the error code each gets.
    refusals: tuple[tuple[type[Exception], str], ...] = ((DomainError, "refused"),)

    async def receive_json(self, content, **kwargs) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        handler = getattr(self, f"on_{kind}", None) if isinstance(kind, str) else None
        ref = content.get("ref") if isinstance(content, dict) else None
        if handler is None or not kind.isidentifier():
            await self.refuse(ref, "unknown_type", f"unknown request {kind!r}")
            return
        try:
            result = await handler(content)
        except (KeyError, TypeError, ValueError) as error:
            await self.refuse(ref, "bad_request", f"malformed {kind}: {error}")
        except Exception as error:
            code = next((code for kind_, code in self.refusals if isinstance(error, kind_)), None)
            if code is None:
                raise
            await self.refuse(ref, code, str(error))
        else:
            await self.send_json({"type": "ack", "ref": ref, "request": kind, **(result or {})})

    async def malformed(self, reason: str) -> None:
        await self.refuse(None, "bad_request", reason)

    async def answer_error(self, code: str, reason: str, content, **extra) -> None:
        ref = content.get("ref") if isinstance(content, dict) else None
        await self.send_json({"type": "error", "ref": ref, "code": code, "reason": reason, **extra})

    async def refuse(self, ref: Any, code: str, reason: str) -> None:
        await self.send_json({"type": "error", "ref": ref, "code": code, "reason": reason})
