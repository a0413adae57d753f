// The console's softphone: the agent's call audio over WebRTC to the platform (the browser's
// own RTCPeerConnection, no vendor SDK). It follows the conversation the console shows (the
// console dispatches "console:thread"), and talks to /channels/voice/calls/<id>/softphone/
// (offer/answer, DELETE to leave) and /channels/voice/calls/<id>/<control>/ (hold, resume,
// dtmf, hangup, pause-recording, resume-recording, consult, join, hand-over, cancel-consult,
// decline-consult). Turning it on or off is told to /channels/voice/softphone/: calls are
// offered only while it is on.
// docs/voice.md describes the controls.
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var csrf = function () { return $("csrf").value; };
  var phone = {
    microphone: null,   // the MediaStream of the chosen microphone, once allowed
    pc: null,           // the RTCPeerConnection of the call in progress
    callId: null,       // the interaction whose audio we are on
    thread: null,       // the conversation the console shows: {id, channel, state}
    remote: null,       // what the agent hears (a MediaStream), for the speaker and tests
    started: null,      // when the audio connected (the call timer)
    held: false,
    consult: null,      // our consult of a colleague: {colleague, answered, joined}
    consultOf: null,    // the call we joined because a colleague consults us
    invite: null        // a consult asking us: {id, from}
  };
  window.softphone = phone;

  function status(text, state) {
    $("softphone-status").textContent = text;
    if (state) { $("softphone").dataset.state = state; }
  }

  function tell(text) {
    var toast = $("toast");
    toast.textContent = text;
    toast.hidden = false;
    setTimeout(function () { toast.hidden = true; }, 5000);
  }

  function post(path, body, method) {
    return fetch(path, {
      method: method || "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify(body || {})
    }).then(function (r) { return r.json().then(function (answer) { answer.status = r.status; return answer; }); });
  }

  function callPath(action) {
    return "/channels/voice/calls/" + encodeURIComponent(phone.callId || phone.thread.id) + "/" + action + "/";
  }

  // The microphone: asked for once, chosen from a list, its level shown.
  function useMicrophone(deviceId) {
    var constraints = { audio: deviceId ? { deviceId: { exact: deviceId } } : true };
    return navigator.mediaDevices.getUserMedia(constraints).then(function (stream) {
      if (phone.microphone) { phone.microphone.getTracks().forEach(function (t) { t.stop(); }); }
      phone.microphone = stream;
      meter(stream);
      if (phone.pc) {
        var sender = phone.pc.getSenders().filter(function (s) { return s.track && s.track.kind === "audio"; })[0];
        if (sender) { sender.replaceTrack(stream.getAudioTracks()[0]); }
      }
      return navigator.mediaDevices.enumerateDevices();
    }).then(function (devices) {
      var select = $("microphone");
      var current = phone.microphone.getAudioTracks()[0].getSettings().deviceId;
      select.textContent = "";
      devices.filter(function (d) { return d.kind === "audioinput"; }).forEach(function (d, i) {
        var option = document.createElement("option");
        option.value = d.deviceId;
        option.textContent = d.label || "Microphone " + (i + 1);
        option.selected = d.deviceId === current;
        select.appendChild(option);
      });
      select.hidden = false;
      $("mic-level").hidden = false;
    });
  }

  var levelTimer = null;
  function meter(stream) {
    var context = new AudioContext();
    var analyser = context.createAnalyser();
    analyser.fftSize = 512;
    context.createMediaStreamSource(stream).connect(analyser);
    var samples = new Float32Array(analyser.fftSize);
    clearInterval(levelTimer);
    levelTimer = setInterval(function () {
      analyser.getFloatTimeDomainData(samples);
      var sum = 0;
      for (var i = 0; i < samples.length; i++) { sum += samples[i] * samples[i]; }
      $("mic-level").value = Math.min(1, Math.sqrt(sum / samples.length) * 4);
    }, 100);
  }

  $("softphone-power").addEventListener("click", function () {
    if (phone.microphone) { return; }
    status("asking for the microphone…");
    fetch("/channels/voice/softphone/", { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (config) { phone.iceServers = config.ice_servers || []; return useMicrophone(null); })
      .then(function () { return post("/channels/voice/softphone/", { on: true }); })
      .then(function () {
      $("softphone-power").hidden = true;
      $("softphone-off").hidden = false;
      status("ready", "ready");
      render();
    }).catch(function (error) {
      status("no microphone", "off");
      post("/channels/voice/softphone/", { on: false, reason: "microphone not allowed" });
      tell("The softphone needs the microphone: " + error.message);
    });
  });
  // Off: no calls are offered until it is on again (the microphone is let go).
  $("softphone-off").addEventListener("click", function () {
    if (phone.pc) { tell("Hang up first."); return; }
    if (phone.microphone) { phone.microphone.getTracks().forEach(function (t) { t.stop(); }); }
    phone.microphone = null;
    clearInterval(levelTimer);
    post("/channels/voice/softphone/", { on: false, reason: "turned off" });
    $("softphone-power").hidden = false;
    $("softphone-off").hidden = true;
    $("microphone").hidden = $("mic-level").hidden = true;
    status("off", "off");
    render();
  });
  $("microphone").addEventListener("change", function (event) { useMicrophone(event.target.value); });

  // The call: answer (connect the audio), mute, hold, keypad, hang up.
  function answer(callId) {
    callId = typeof callId === "string" ? callId : (phone.thread && phone.thread.id);
    if (!phone.microphone || !callId) { return; }
    phone.callId = callId;
    var pc = phone.pc = new RTCPeerConnection({ iceServers: iceServers() });
    phone.microphone.getAudioTracks().forEach(function (t) { pc.addTrack(t, phone.microphone); });
    pc.ontrack = function (event) {
      phone.remote = event.streams[0] || new MediaStream([event.track]);
      $("softphone-audio").srcObject = phone.remote;
    };
    pc.onconnectionstatechange = function () {
      if (pc !== phone.pc) { return; }
      if (pc.connectionState === "connected") {
        phone.started = Date.now();
        status("on a call", "call");
      } else if (pc.connectionState === "failed" || pc.connectionState === "disconnected") {
        status("call audio lost", "ready");
      }
      render();
    };
    status("connecting…", "connecting");
    pc.createOffer().then(function (offer) { return pc.setLocalDescription(offer); })
      .then(gathered(pc))
      .then(function () { return post(callPath("softphone"), { type: "offer", sdp: pc.localDescription.sdp }); })
      .then(function (reply) {
        if (reply.error) { throw new Error(reply.error); }
        return pc.setRemoteDescription({ type: "answer", sdp: reply.sdp });
      })
      .catch(function (error) { tell(error.message); leave(); });
    render();
  }

  function iceServers() { return phone.iceServers || []; }

  // aiortc does not trickle: send the offer with every candidate in it.
  function gathered(pc) {
    return function () {
      return new Promise(function (resolve) {
        if (pc.iceGatheringState === "complete") { resolve(); return; }
        pc.addEventListener("icegatheringstatechange", function () {
          if (pc.iceGatheringState === "complete") { resolve(); }
        });
        setTimeout(resolve, 3000);
      });
    };
  }

  function leave() {
    if (phone.pc) { phone.pc.close(); }
    phone.pc = null;
    phone.callId = null;
    phone.started = null;
    phone.held = false;
    phone.recordingPaused = false;
    phone.consult = null;
    phone.consultOf = null;
    status(phone.microphone ? "ready" : "off", phone.microphone ? "ready" : "off");
    render();
  }

  function mute() {
    var track = phone.microphone && phone.microphone.getAudioTracks()[0];
    if (!track) { return; }
    track.enabled = !track.enabled;
    $("softphone-mute").setAttribute("aria-pressed", String(!track.enabled));
    $("softphone-mute").textContent = track.enabled ? "Mute" : "Unmute";
  }

  function hold() {
    var action = phone.held ? "resume" : "hold";
    post(callPath(action)).then(function (reply) {
      if (reply.error) { tell(reply.error); return; }
      phone.held = !phone.held;
      render();
    });
  }

  // While the caller reads a card number: silence in the recording until resumed.
  function pauseRecording() {
    var action = phone.recordingPaused ? "resume-recording" : "pause-recording";
    post(callPath(action)).then(function (reply) {
      if (reply.error) { tell(reply.error); return; }
      phone.recordingPaused = !phone.recordingPaused;
      render();
    });
  }

  // The call ends first (wrap-up starts), then the audio leaves: a leg that left while the call
  // was still active would put the caller back in line.
  function hangUp() {
    var path = callPath("hangup"), softphone = callPath("softphone");
    if (phone.consultOf) {  // the colleague's call: we only leave it
      post(softphone, {}, "DELETE").then(leave, leave);
      return;
    }
    post(path).then(function (reply) {
      if (reply.error) { tell(reply.error); }
      return post(softphone, {}, "DELETE");
    }).then(leave, leave);
  }

  // A call the agent placed (click-to-call, reach-out.js): its audio is joined at once.
  phone.join = function (callId, number) {
    answer(callId);
    if (phone.pc) { status("calling " + number + "…", "connecting"); }
  };

  $("softphone-answer").addEventListener("click", answer);
  $("softphone-mute").addEventListener("click", mute);
  $("softphone-hold").addEventListener("click", hold);
  $("softphone-record").addEventListener("click", pauseRecording);
  $("softphone-hangup").addEventListener("click", hangUp);
  $("softphone-keypad-toggle").addEventListener("click", function () { $("softphone-keypad").hidden = !$("softphone-keypad").hidden; });
  Array.prototype.forEach.call(document.querySelectorAll("[data-dtmf]"), function (key) {
    key.addEventListener("click", function () {
      post(callPath("dtmf"), { digits: key.dataset.dtmf }).then(function (reply) { if (reply.error) { tell(reply.error); } });
    });
  });

  // Consults: ask a colleague (the customer hears hold music, we two hear each other), then
  // join all three, hand the customer over, or cancel. The colleague's console is asked by
  // the ConsultStarted event and answers with its own softphone.
  function consultControl(action, body) {
    return post(callPath(action), body).then(function (reply) {
      if (reply.error) { tell(reply.error); throw new Error(reply.error); }
      return reply;
    });
  }
  $("softphone-consult").addEventListener("click", function () {
    var pick = $("softphone-consult-pick");
    pick.hidden = !pick.hidden;
    var fill = function (agents) {
      var select = $("consult-agent"), me = window.Console ? window.Console.me().id : null;
      select.textContent = "";
      (agents || []).filter(function (a) { return a.id !== me; }).forEach(function (a) {
        var option = document.createElement("option");
        option.value = a.id;
        option.textContent = a.name + " (" + a.presence + ")";
        select.appendChild(option);
      });
    };
    if (!pick.hidden && window.Console) {
      fill(window.Console.state.agents);
      window.Console.request("colleagues", {}, function (error, frame) { if (!error) { fill(frame.agents); } });
    }
  });
  $("consult-call").addEventListener("click", function () {
    var colleague = Number($("consult-agent").value);
    consultControl("consult", { to_agent_id: colleague }).then(function () {
      phone.consult = { colleague: colleague, answered: false, joined: false };
      $("softphone-consult-pick").hidden = true;
      render();
    }, function () {});
  });
  $("consult-join").addEventListener("click", function () {
    consultControl("join").then(function () { phone.consult.joined = true; render(); }, function () {});
  });
  $("consult-hand-over").addEventListener("click", function () {
    consultControl("hand-over").then(leave, function () {});  // the platform ended our leg
  });
  $("consult-cancel").addEventListener("click", function () {
    consultControl("cancel-consult").then(function () { phone.consult = null; render(); }, function () {});
  });
  $("consult-answer").addEventListener("click", function () {
    var invite = phone.invite;
    if (!invite || phone.pc) { return; }
    phone.invite = null;
    answer(invite.id);
    phone.consultOf = invite.id;
    render();
  });
  $("consult-decline").addEventListener("click", function () {
    var invite = phone.invite;
    phone.invite = null;
    render();
    if (invite) {
      post("/channels/voice/calls/" + encodeURIComponent(invite.id) + "/decline-consult/");
    }
  });
  function nameOf(agentId) {
    var agents = (window.Console && window.Console.state.agents) || [];
    var found = agents.filter(function (a) { return a.id === agentId; })[0];
    return found ? found.name : "a colleague";
  }
  function heard(frame) {
    var data = frame.data, me = window.Console.me().id, id = data.interaction_id;
    if (frame.event === "WrapUpStarted" && phone.pc && phone.callId === id && !phone.consultOf) {
      // The call ended (the customer hung up, or never answered): leave its audio, whichever
      // conversation the console shows.
      post(callPath("softphone"), {}, "DELETE").then(leave, leave);
      return;
    }
    if (frame.event === "ConsultStarted" && data.colleague_id === me) {
      phone.invite = { id: id, from: data.agent_id };
    } else if (frame.event === "ConsultAnswered" && phone.consult && phone.callId === id) {
      phone.consult.answered = true;
    } else if (frame.event === "ConsultEnded" && data.colleague_id === me) {
      if (phone.invite && phone.invite.id === id) { phone.invite = null; }
      if (phone.consultOf === id) { leave(); }
    } else if (frame.event === "ConsultEnded" && phone.consult && phone.callId === id) {
      phone.consult = null;
      if (data.reason !== "cancelled") { tell("Your colleague " + data.reason + "."); }
    } else if (frame.event === "ConsultHandedOver" && data.colleague_id === me && phone.consultOf === id) {
      phone.consultOf = null;  // the call is ours now
    } else {
      return;
    }
    render();
  }
  // console.js loads after this panel: hook in once the page's scripts have run.
  function hook() { if (window.Console) { window.Console.on("frame", heard); } }
  if (window.Console) { hook(); } else { document.addEventListener("DOMContentLoaded", hook); }

  function render() {
    var t = phone.thread;
    var onCall = !!phone.pc;
    var callable = !!(t && t.channel === "voice" && t.state === "active" && phone.microphone);
    $("softphone-call").hidden = !(onCall || callable);
    $("softphone-answer").hidden = onCall;
    $("softphone-mute").disabled = $("softphone-hold").disabled = $("softphone-hangup").disabled = !onCall;
    $("softphone-record").disabled = !onCall;
    $("softphone-consult").disabled = !onCall || !!phone.consult || !!phone.consultOf;
    $("softphone-hold").disabled = !onCall || !!phone.consultOf;
    if (!onCall || phone.consult) { $("softphone-consult-pick").hidden = true; }
    var c = phone.consult;
    $("softphone-consulting").hidden = !(onCall && c);
    if (c) {
      $("consult-status").textContent = (c.joined ? "three-way with " : c.answered ? "talking to " : "asking ") + nameOf(c.colleague);
      $("consult-join").disabled = !c.answered || c.joined;
      $("consult-hand-over").disabled = !c.answered;
    }
    $("consult-offer").hidden = !phone.invite;
    if (phone.invite) {
      $("consult-offer-text").textContent = "Consult from " + nameOf(phone.invite.from);
      $("consult-answer").disabled = !phone.microphone || onCall;
    }
    $("softphone-hold").setAttribute("aria-pressed", String(phone.held));
    $("softphone-hold").textContent = phone.held ? "Resume" : "Hold";
    $("softphone-record").setAttribute("aria-pressed", String(!!phone.recordingPaused));
    $("softphone-record").textContent = phone.recordingPaused ? "Resume recording" : "Pause recording";
    $("call-timer").hidden = !phone.started;
  }

  setInterval(function () {
    if (!phone.started) { return; }
    var seconds = Math.floor((Date.now() - phone.started) / 1000);
    $("call-timer").textContent = Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0");
  }, 500);

  document.addEventListener("console:thread", function (event) {
    phone.thread = event.detail;
    // The call this audio belongs to is over (wrap-up) or gone: leave it.
    if (phone.callId && phone.thread && phone.thread.id === phone.callId && phone.thread.state !== "active") { leave(); }
    render();
  });
  render();
})();
