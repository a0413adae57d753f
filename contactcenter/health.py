"""GET /healthz: can this process reach the database and the channel layer?"""

import asyncio
import uuid

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.db import connection
from django.http import JsonResponse

TIMEOUT = 3.0


def _database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True, "vendor": connection.vendor}


async def _channel_layer() -> dict:
    layer = get_channel_layer()
    if layer is None:
        return {"ok": False, "error": "no channel layer configured"}
    name = await layer.new_channel("healthz.")
    token = uuid.uuid4().hex
    await layer.send(name, {"type": "healthz.ping", "token": token})
    message = await layer.receive(name)
    return {"ok": message.get("token") == token, "backend": type(layer).__name__}


async def _check(probe) -> dict:
    try:
        return await asyncio.wait_for(probe(), TIMEOUT)
    except Exception as error:  # any failure is the answer, never a 500
        return {"ok": False, "error": f"{type(error).__name__}: {error}"}


async def healthz(request):
    database = await _check(sync_to_async(_database, thread_sensitive=True))
    layer = await _check(_channel_layer)
    healthy = database["ok"] and layer["ok"]
    return JsonResponse(
        {
            "status": "ok" if healthy else "unavailable",
            "database": database,
            "channel_layer": layer,
        },
        status=200 if healthy else 503,
    )
