"""The Graph API's messages endpoint (POST /{version}/{id}/messages), over urllib, with its
errors as the outbox understands them. The base URL is per channel, so tests point it at a
local fake."""

import json
import urllib.error
import urllib.request
from typing import Any

from channels_adapters import base

GRAPH_API = "https://graph.facebook.com"
VERSION = "v21.0"
TIMEOUT_SECONDS = 10
# Meta's error codes worth another try: throttling of the app, the account or the pair.
THROTTLED = {4, 17, 32, 613, 80007, 130429, 131048, 131056}


def url(base_url: str, version: str, path: str) -> str:
    return f"{(base_url or GRAPH_API).rstrip('/')}/{version or VERSION}/{path.lstrip('/')}"


def call(
    base_url: str, version: str, path: str, token: str, body: dict[str, Any] | None = None
) -> dict[str, Any]:
    """POST `body` (or GET without one) as JSON with the bearer token; the answer's JSON."""
    request = urllib.request.Request(
        url(base_url, version, path),
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST" if body is not None else "GET",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        raise failure(error.code, error.read()) from None
    except (OSError, ValueError) as error:  # URLError, timeouts, a garbled answer
        raise base.TemporaryFailure(f"the Graph API could not be reached: {error}") from None


def fetch(url_: str, token: str) -> tuple[bytes, str]:
    """GET a media URL the Graph API handed out (it wants the same bearer token)."""
    request = urllib.request.Request(url_, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return response.read(), response.headers.get_content_type()
    except urllib.error.HTTPError as error:
        raise failure(error.code, error.read()) from None
    except OSError as error:
        raise base.TemporaryFailure(f"the media could not be fetched: {error}") from None


def failure(status: int, body: bytes) -> base.DeliveryError:
    """Graph's {"error": {"message", "code", "error_subcode", ...}} as a delivery error: a 5xx
    or throttling is temporary, any other refusal final."""
    try:
        error = json.loads(body).get("error") or {}
    except (ValueError, AttributeError):
        error = {}
    code = error.get("code")
    detail = f"Graph API answered {status}" + (f", error {code}" if code else "")
    detail += f": {error['message']}" if error.get("message") else ""
    if status >= 500 or status == 429 or code in THROTTLED:
        return base.TemporaryFailure(detail)
    return base.PermanentFailure(detail)
