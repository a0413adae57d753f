"""The platform's own media path for calls: Twilio Media Streams (the caller, μ-law 8 kHz
over a WebSocket) and WebRTC (the agent's console, Opus, served by aiortc) meet in a room that
bridges and mixes them. docs/voice.md draws who connects to whom."""
