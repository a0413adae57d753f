"""GET /healthz: can this process reach the database and the channel layer, and are its
background loops working? Loops of other processes are shown from their heartbeats
(contactcenter/workers/supervision.py) for the operator; they do not change this process's
answer, since a load balancer should not pull a web server for a worker elsewhere."""

import asyncio
import uuid

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.db import connection
from django.http import JsonResponse

from contactcenter.workers import supervision

TIMEOUT = 3.0


def _database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True, "vendor": connection.vendor}


# One probe channel per event loop and layer, reused: a pub/sub layer keeps every channel it
# has received on subscribed, so a fresh channel per probe would pile up subscriptions. A
# probe that fails or times out drops it (pub/sub unsubscribes a cancelled receive).
_probes: dict[tuple, tuple[str, asyncio.Lock]] = {}


async def _channel_layer() -> dict:
    layer = get_channel_layer()
    if layer is None:
        return {"ok": False, "error": "no channel layer configured"}
    key = (asyncio.get_running_loop(), id(layer))
    if key not in _probes:
        _probes[key] = (await layer.new_channel("healthz."), asyncio.Lock())
    name, lock = _probes[key]
    token = uuid.uuid4().hex
    try:
        async with lock:
            await layer.send(name, {"type": "healthz.ping", "token": token})
            message = await layer.receive(name)
            while message.get("token") != token:  # a reply to an earlier probe
                message = await layer.receive(name)
    except BaseException:
        _probes.pop(key, None)
        raise
    return {"ok": True, "backend": type(layer).__name__}


async def _check(probe) -> dict:
    try:
        return await asyncio.wait_for(probe(), TIMEOUT)
    except Exception as error:  # any failure is the answer, never a 500
        return {"ok": False, "error": f"{type(error).__name__}: {error}"}


def _loops() -> list[dict]:
    supervisor = supervision.current()
    return supervisor.health() if supervisor else []


async def _workers() -> list[dict] | dict:
    try:
        return await asyncio.wait_for(
            sync_to_async(supervision.other_processes, thread_sensitive=True)(), TIMEOUT
        )
    except Exception as error:
        return {"error": f"{type(error).__name__}: {error}"}


async def healthz(request):
    database = await _check(sync_to_async(_database, thread_sensitive=True))
    layer = await _check(_channel_layer)
    loops = _loops()
    healthy = database["ok"] and layer["ok"] and all(loop["healthy"] for loop in loops)
    return JsonResponse(
        {
            "status": "ok" if healthy else "unavailable",
            "database": database,
            "channel_layer": layer,
            "loops": loops,
            "workers": await _workers() if database["ok"] else [],
        },
        status=200 if healthy else 503,
    )
