import math
import sys

from django.apps import AppConfig


class VoiceConfig(AppConfig):
    name = "channels_adapters.voice"
    label = "voice"
    verbose_name = "Voice"

    def ready(self) -> None:
        from channels_adapters import base
        from channels_adapters.voice.adapter import VoiceAdapter
        from channels_adapters.voice.bridge import on_offer_accepted
        from contactcenter.events import store

        base.register(
            base.Channel(
                name="voice",
                label="Voice",
                identity_kind="phone",
                adapter=VoiceAdapter(),
                default_capacity=1,
                max_capacity=1,  # an agent takes one call at a time
                exclusive=True,
                menus="spoken: For Billing, press 1 (keypad or speech)",
                urls="channels_adapters.voice.urls",
                billing=base.Billing(
                    unit="minute", events=frozenset({"CallEnded"}), units=minutes_billed
                ),
                stopping=close_peers,
            )
        )
        # An accepted call is bridged to the agent right after the commit.
        store.on_committed(on_offer_accepted)


async def close_peers() -> None:
    """As the server stops, every WebRTC leg in this process ends with its reason. aiortc is
    loaded with a process's first leg (media/webrtc.py): when it never was, there is none."""
    webrtc = sys.modules.get("channels_adapters.voice.media.webrtc")
    if webrtc is not None:
        await webrtc.close_all()


def minutes_billed(event_type: str, data) -> int:
    """Twilio bills a call by the minute, each minute begun counting whole."""
    return math.ceil(float(data.get("duration_seconds") or 0) / 60)
