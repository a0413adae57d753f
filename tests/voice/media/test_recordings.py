"""Recordings: pause is silence in the file for exactly the paused stretch; playback only to
supervisors and the agents who took the call, with a waveform; a retention policy of kind
"recordings" and the customer's erasure delete the files, each deletion recorded, and playback,
the export and a rebuild agree; the subject access export carries the recordings."""

import io
import json
import wave
import zipfile
from datetime import timedelta

import numpy as np
import pytest
from django.core.management import call_command

from channels_adapters.voice.media import codec, legs, recording
from channels_adapters.voice.media.mixing import AGENT, CUSTOMER
from channels_adapters.voice.media.playback import recordings_of
from contactcenter import clock
from contactcenter.events import store
from contactcenter.interactions.domain import stream_id
from contactcenter.interactions.models import Interaction
from contactcenter.privacy import export
from contactcenter.privacy.erasure import erase_customer
from contactcenter.privacy.models import RetentionPolicy
from contactcenter.privacy.retention import STREAM, purge_due
from contactcenter.supervisor import wallboard
from routing import offers, router
from tests.events.test_rebuild import follow_every_catch_up_projection, snapshot
from tests.routing.builders import an_agent
from tests.voice.phone import Phone


def tone(level: int) -> np.ndarray:
    return np.full(codec.FRAME_SAMPLES, level, dtype=np.int16)


def test_a_paused_stretch_is_silence_on_both_channels_and_the_timeline_is_kept():
    recorder = recording.Recorder("i-1", "CA1", "MZ1")
    for _ in range(5):
        recorder.tap({CUSTOMER: tone(1000), AGENT: tone(-2000)})
    recorder.paused = True
    for _ in range(3):
        recorder.tap({CUSTOMER: tone(1000), AGENT: tone(-2000)})
    recorder.paused = False
    recorder.tap({CUSTOMER: tone(1000)})  # the agent said nothing this tick

    with wave.open(io.BytesIO(recorder.wav())) as file:
        assert (file.getnchannels(), file.getframerate()) == (2, 8000)
        stereo = np.frombuffer(file.readframes(file.getnframes()), dtype="<i2").reshape(-1, 2)
    frames = stereo.reshape(-1, codec.FRAME_SAMPLES, 2)
    assert len(frames) == 9 and recorder.seconds == 0.18
    assert (frames[:5, :, 0] == 1000).all() and (frames[:5, :, 1] == -2000).all()
    assert not frames[5:8].any()  # paused: silence, for exactly three frames
    assert (frames[8, :, 0] == 1000).all() and not frames[8, :, 1].any()
    assert recorder.paused_frames == 3


@pytest.fixture
def taken_call(client, api, line, agent, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    phone = Phone(client)
    phone.dial_in()
    phone.press("3")
    router.route_once()
    row = Interaction.objects.get(channel="voice")
    offers.accept_offer(row.id, row.offer_id, agent.pk)
    recorder = recording.Recorder(row.id, phone.call_sid, "MZ" + "5" * 32)
    for _ in range(50):
        recorder.tap({CUSTOMER: tone(8000), AGENT: tone(0)})
    legs.recording_saved(recorder)
    return row.id


def saved(interaction_id: str) -> list[dict]:
    return [
        e.data for e in store.read_stream(stream_id(interaction_id)) if e.type == "RecordingSaved"
    ]


@pytest.mark.django_db(transaction=True)
def test_playback_is_for_supervisors_and_the_agent_who_took_the_call(
    client, taken_call, agent, queues
):
    path = f"/channels/voice/recordings/{taken_call}/"
    assert client.get(path).status_code == 302  # to the login page
    client.force_login(an_agent(queues["support"]))
    assert client.get(path).status_code == 403
    assert client.get(f"{path}0/audio/").status_code == 403
    for user in (agent, an_agent(queues["sales"], supervisor=True)):
        client.force_login(user)
        (listed,) = client.get(path).json()["recordings"]
        assert listed["seconds"] == 1.0
        assert max(listed["waveform"]["customer"]) > 0.2 and max(listed["waveform"]["agent"]) == 0
        audio = client.get(listed["url"])
        assert audio.status_code == 200 and audio["Content-Type"] == "audio/wav"
    assert client.get(f"{path}7/audio/").status_code == 404


def supervisor_sees(client, supervisor, interaction_id: str) -> tuple[list[dict], object]:
    """The recordings listing and the first one's audio, as a supervisor."""
    client.force_login(supervisor)
    path = f"/channels/voice/recordings/{interaction_id}/"
    return client.get(path).json()["recordings"], client.get(f"{path}0/audio/")


def the_kpis() -> dict:
    return {k: v for k, v in snapshot().items() if k.startswith("kpis.")}


@pytest.mark.django_db(transaction=True)
def test_a_recordings_policy_deletes_old_recordings_once_and_the_figures_stay(
    client, taken_call, queues
):
    (data,) = saved(taken_call)
    storage = recording.storages["default"]
    assert storage.exists(data["name"])
    RetentionPolicy.objects.create(channel="voice", kind="recordings", keep_days=30)
    RetentionPolicy.objects.create(channel="webchat", kind="recordings", keep_days=1)
    boss = an_agent(queues["sales"], supervisor=True)
    follow_every_catch_up_projection()
    now = clock.now()
    kpis, board = the_kpis(), wallboard.board(now)

    assert purge_due(clock.now() + timedelta(days=29)) == []
    (purge,) = purge_due(clock.now() + timedelta(days=31))

    assert (purge.channel, purge.kind, purge.files) == ("voice", "recordings", 1)
    assert not storage.exists(data["name"])
    (deleted,) = [
        e.data for e in store.read_stream(stream_id(taken_call)) if e.type == "RecordingDeleted"
    ]
    assert deleted == {
        "interaction_id": taken_call,
        "name": data["name"],
        "reason": "retention: older than 30 days",
    }
    (event,) = store.read_stream(STREAM)  # one event for the purge
    assert (event.type, event.data["kind"], event.data["files"]) == (
        "RetentionPurged",
        "recordings",
        1,
    )
    assert purge_due(clock.now() + timedelta(days=32)) == []  # once: nothing left to purge
    (listed,), audio = supervisor_sees(client, boss, taken_call)
    assert (listed["deleted"], listed["url"], listed["waveform"]) == (
        "retention: older than 30 days",
        None,
        None,
    )
    assert audio.status_code == 410
    # the wallboard and the reports read no recording
    follow_every_catch_up_projection()
    assert the_kpis() == kpis and wallboard.board(now) == board
    live = snapshot()
    call_command("rebuild_projections", verbosity=0)
    assert snapshot() == live


@pytest.mark.django_db(transaction=True)
def test_voice_recording_retention_days_is_a_recordings_policy_for_every_channel(
    taken_call, settings
):
    (data,) = saved(taken_call)
    settings.VOICE_RECORDING_RETENTION_DAYS = 30
    RetentionPolicy.objects.create(channel="voice", kind="recordings", keep_days=60)

    assert purge_due(clock.now() + timedelta(days=29)) == []
    (purge,) = purge_due(clock.now() + timedelta(days=31))  # the shorter of the two wins

    assert (purge.channel, purge.kind, purge.files) == ("", "recordings", 1)
    assert not recording.storages["default"].exists(data["name"])
    assert purge_due(clock.now() + timedelta(days=61)) == []  # the longer one finds it gone
    assert [e.type for e in store.read_stream(STREAM)] == ["RetentionPurged"]


@pytest.mark.django_db(transaction=True)
def test_erasing_the_customer_deletes_their_recordings_and_playback_reads_erased(
    client, taken_call, queues
):
    (data,) = saved(taken_call)
    storage = recording.storages["default"]
    customer_id = Interaction.objects.get(pk=taken_call).customer_id

    erase_customer(customer_id, requested_by="test")

    assert not storage.exists(data["name"])
    (deleted,) = [
        e.data for e in store.read_stream(stream_id(taken_call)) if e.type == "RecordingDeleted"
    ]
    assert (deleted["name"], deleted["reason"]) == (data["name"], "erased")
    (listed,), audio = supervisor_sees(
        client, an_agent(queues["sales"], supervisor=True), taken_call
    )
    assert (listed["deleted"], listed["url"], listed["waveform"]) == ("erased", None, None)
    assert (audio.status_code, audio.json()) == (410, {"error": "erased"})
    with zipfile.ZipFile(io.BytesIO(export.zip_bytes(customer_id))) as archive:
        assert not [n for n in archive.namelist() if n.startswith("recordings/")]
        (exported,) = json.loads(archive.read("customer.json"))["recordings"]
    assert exported["deleted"] == "erased"
    follow_every_catch_up_projection()
    live = snapshot()
    call_command("rebuild_projections", verbosity=0)
    assert snapshot() == live
    assert recordings_of(taken_call)[0][0]["deleted"] == "erased"  # read again from the log


@pytest.mark.django_db(transaction=True)
def test_the_subject_access_export_holds_the_customers_recordings(taken_call):
    (data,) = saved(taken_call)
    customer_id = Interaction.objects.get(pk=taken_call).customer_id
    with recording.storages["default"].open(data["name"], "rb") as stored:
        stored_bytes = stored.read()

    with zipfile.ZipFile(io.BytesIO(export.zip_bytes(customer_id))) as archive:
        assert archive.read(f"recordings/{data['name']}") == stored_bytes
        (listed,) = json.loads(archive.read("customer.json"))["recordings"]

    assert (listed["interaction_id"], listed["name"], listed["seconds"]) == (
        taken_call,
        data["name"],
        1.0,
    )
    assert listed["deleted"] == ""


@pytest.mark.django_db(transaction=True)
def test_a_recording_finished_after_the_erasure_is_not_kept(taken_call):
    row = Interaction.objects.get(pk=taken_call)
    erase_customer(row.customer_id, requested_by="test")
    recorder = recording.Recorder(row.id, "CA-later", "MZ" + "6" * 32)
    for _ in range(10):
        recorder.tap({CUSTOMER: tone(8000), AGENT: tone(0)})

    legs.recording_saved(recorder)

    assert len(saved(taken_call)) == 1  # only the one from before the erasure
    _folders, files = recording.storages["default"].listdir(f"recordings/{row.id}")
    assert files == []  # and that one was deleted by the erasure
