"""Frames out of every socket are encoded by orjson (contactcenter/json_frames.py): the same
JSON a client read from `json.dumps`, keys that are numbers included, and a value orjson
refuses still sent."""

import json

from contactcenter.json_frames import JsonFramesConsumer


async def test_a_frame_out_reads_back_as_json_dumps_wrote_it():
    frame = {
        "type": "event",
        "data": {"text": 'Grüße, "quoted" \u2028 ünïcode', "n": 3, "x": 1.5, "ok": True},
        "by_agent": {7: "Ada", 9: None},
        "list": [1, "two", [3.0]],
    }

    text = await JsonFramesConsumer.encode_json(frame)

    assert json.loads(text) == json.loads(json.dumps(frame))
    assert "Grüße" in text  # UTF-8 as it is, where json.dumps escaped it


async def test_an_integer_beyond_64_bits_is_still_sent():
    text = await JsonFramesConsumer.encode_json({"big": 2**70})

    assert json.loads(text) == {"big": 2**70}
