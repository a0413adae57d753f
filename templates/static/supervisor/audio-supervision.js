// Audio supervision from the wallboard (docs/voice.md): for the voice call being monitored, join
// its audio over WebRTC as listen (hear both sides), whisper (the agent hears you) or barge
// (everyone does), switch between them, leave. /channels/voice/calls/<id>/supervise/.
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var audio = { call: null, pc: null, mode: null, remote: null };
  window.audioSupervision = audio;

  function csrf() {
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }
  function post(body, method) {
    return fetch("/channels/voice/calls/" + encodeURIComponent(audio.call.id) + "/supervise/", {
      method: method || "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify(body || {})
    }).then(function (r) { return r.json(); });
  }
  function show(text) { $("audio-supervision-status").textContent = text; }

  function join(mode) {
    if (audio.pc) {  // already in: a new mode
      post({ mode: mode }).then(function (reply) {
        if (reply.error) { show(reply.error); return; }
        audio.mode = mode; show(mode);
      });
      return;
    }
    navigator.mediaDevices.getUserMedia({ audio: true }).then(function (microphone) {
      var pc = audio.pc = new RTCPeerConnection();
      microphone.getAudioTracks().forEach(function (t) { pc.addTrack(t, microphone); });
      pc.ontrack = function (event) {
        audio.remote = event.streams[0] || new MediaStream([event.track]);
        $("audio-supervision-audio").srcObject = audio.remote;
      };
      return pc.createOffer().then(function (offer) { return pc.setLocalDescription(offer); })
        .then(function () {
          return new Promise(function (resolve) {
            if (pc.iceGatheringState === "complete") { resolve(); return; }
            pc.addEventListener("icegatheringstatechange", function () { if (pc.iceGatheringState === "complete") { resolve(); } });
            setTimeout(resolve, 3000);
          });
        })
        .then(function () { return post({ mode: mode, type: "offer", sdp: pc.localDescription.sdp }); })
        .then(function (reply) {
          if (reply.error) { throw new Error(reply.error); }
          audio.mode = mode;
          show(mode);
          $("audio-supervision-leave").disabled = false;
          return pc.setRemoteDescription({ type: "answer", sdp: reply.sdp });
        });
    }).catch(function (error) { show(error.message); leave(); });
  }

  function leave() {
    if (audio.pc) { audio.pc.close(); if (audio.call) { post({}, "DELETE"); } }
    audio.pc = null; audio.mode = null;
    $("audio-supervision-leave").disabled = true;
    show("not listening");
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-audio-mode]"), function (button) {
    button.addEventListener("click", function () { join(button.dataset.audioMode); });
  });
  $("audio-supervision-leave").addEventListener("click", leave);
  document.addEventListener("wallboard:monitor", function (event) {
    if (audio.call && event.detail.id !== audio.call.id) { leave(); }
    audio.call = event.detail;
    $("audio-supervision").hidden = !(event.detail.channel === "voice" && event.detail.state === "active");
  });
})();
