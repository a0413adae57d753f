"""The widget's HTTP side: the one-line loader, the chat window (an iframe, so nothing of
the host page's styles leaks in or out), the session endpoint issuing visitor tokens, and a
demo host page."""

from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.csp import get_nonce
from django.shortcuts import render
from django.utils.csp import CSP, build_policy
from django.views.decorators.cache import cache_control
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from channels_adapters.webchat import contrast, tokens, transcripts
from channels_adapters.webchat import visitor as visitors
from channels_adapters.webchat.models import WebChatChannel
from contactcenter import strict_json
from contactcenter.interactions.domain import DomainError

LOADER = Path(settings.BASE_DIR) / "templates" / "static" / "webchat" / "loader.js"


@require_GET
@cache_control(max_age=300, public=True)
def widget_js(request):
    """`<script src=".../widget.js" data-channel="KEY" async></script>` on any allowed site."""
    return HttpResponse(LOADER.read_text(), content_type="text/javascript; charset=utf-8")


@require_GET
@xframe_options_exempt
def frame(request, key: str):
    chat = WebChatChannel.objects.filter(key=key).first()
    if chat is None:
        raise Http404("no such web chat")
    accent, on_accent = contrast.readable(chat.color)
    context = {
        "chat": chat,
        "accent": accent,
        "on_accent": on_accent,
        "accent_text": contrast.on_white(accent),
    }
    response = render(request, "webchat/frame.html", context)
    response["Content-Security-Policy"] = build_policy(
        frame_policy(request, chat), get_nonce(request)
    )
    return response


def frame_policy(request, chat: WebChatChannel) -> dict[str, list[str]]:
    """The chat window's own policy: only the channel's sites may embed it (the browser
    enforces this), and it talks to nothing but its own server's session endpoint and
    socket. Agents' messages may show pictures from anywhere."""
    socket = f"{'wss' if request.is_secure() else 'ws'}://{request.get_host()}"
    return {
        "frame-ancestors": [CSP.SELF, *chat.origins()],
        "default-src": [CSP.SELF],
        "script-src": [CSP.SELF],
        "style-src": [CSP.SELF, CSP.NONCE],
        "img-src": [CSP.SELF, "https:", "data:", "blob:"],  # blob: files fetched with the token
        "connect-src": [CSP.SELF, socket],
        "object-src": [CSP.NONE],
        "base-uri": [CSP.NONE],
        "form-action": [CSP.SELF],
    }


@csrf_exempt  # no cookie is used: the token is the credential, and it is only ever returned
@require_POST
def session(request):
    """Issue (or renew) a signed visitor token for a channel."""
    try:
        body = strict_json.loads_object(request.body or b"{}")
        key = str(body["channel"])
    except (ValueError, KeyError) as error:
        reason = str(error) if isinstance(error, strict_json.MalformedJson) else "no channel"
        return JsonResponse({"error": f"send JSON with the channel key: {reason}"}, status=400)
    if visitors.channel(key) is None:
        return JsonResponse({"error": f"no web chat channel {key!r}"}, status=404)
    token, visitor, _ = tokens.renewed(key, str(body.get("token") or ""))
    return JsonResponse(
        {"token": token, "visitor_id": visitor.visitor_id, "ws_path": "/ws/webchat/"}
    )


@require_GET
def demo(request):
    """A page that embeds the demo widget, as a customer's site would."""
    key = request.GET.get("channel", "demo")
    return render(
        request, "webchat/demo.html", {"channel_key": key, "public_url": settings.PUBLIC_URL}
    )


@require_http_methods(["GET", "POST"])
def transcript_link(request, token: str):
    """The link a transcript confirmation mail carries: a page with one button (so that a mail
    scanner following links sends nothing), whose POST sends the conversation."""
    try:
        _, address = transcripts.pending(token)
    except tokens.BadToken as error:
        return _transcript_page(request, {"error": str(error)}, status=400)
    if request.method == "GET":
        return _transcript_page(request, {"to": address})
    try:
        transcripts.confirm(token)
    except DomainError as refused:
        return _transcript_page(request, {"error": str(refused)}, status=409)
    return _transcript_page(request, {"to": address, "sent": True})


def _transcript_page(request, context: dict, status: int = 200):
    return render(request, "webchat/transcript.html", context, status=status)
