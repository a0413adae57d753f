/* Calling from the widget: the browser's own RTCPeerConnection to the platform (aiortc), its
   signalling over /ws/webcall/ with the widget's visitor token. The flow's menus are answered
   with the keypad; later keys reach the agent as tones. Protocol: docs/websocket-protocol.md.
   Everything is written with textContent: nothing from the server is ever HTML. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("config").textContent);
  var KEY = config.channel;
  var tokenKey = "cc-widget-token:" + KEY;
  var $ = function (id) { return document.getElementById(id); };
  var ui = {
    start: $("call-start"), panel: $("call"), status: $("call-status"), prompt: $("call-prompt"),
    timer: $("call-timer"), mute: $("call-mute"), keypadToggle: $("call-keypad-toggle"),
    keypad: $("call-keypad"), hangup: $("call-hangup"), audio: $("call-audio")
  };

  var call = window.webcall = {
    state: "idle",   // idle, connecting, menu, waiting, talking, held, ended
    socket: null, pc: null, microphone: null,
    remote: null,    // what the customer hears (a MediaStream), for the speaker and tests
    started: null, muted: false
  };
  var timerHandle = null;

  var STATES = {
    connecting: "Connecting…",
    menu: "Choose an option with the keypad.",
    talking: "On the call",
    held: "You are on hold.",
    ended: "Call ended."
  };

  function show(state, text) {
    call.state = state;
    ui.panel.hidden = state === "idle";
    ui.panel.dataset.state = state;
    ui.start.disabled = state !== "idle" && state !== "ended";
    ui.status.textContent = text || STATES[state] || "";
    var live = state !== "idle" && state !== "ended";
    ui.hangup.hidden = !live;
    ui.mute.hidden = !live;
    ui.keypadToggle.hidden = !live;
    if (!live) { ui.keypad.hidden = true; ui.keypadToggle.setAttribute("aria-expanded", "false"); }
    if (state === "menu") { openKeypad(true); }
  }

  function openKeypad(open) {
    ui.keypad.hidden = !open;
    ui.keypadToggle.setAttribute("aria-expanded", open ? "true" : "false");
  }

  function tick() {
    if (!call.started) { ui.timer.hidden = true; return; }
    var seconds = Math.floor((Date.now() - call.started) / 1000);
    ui.timer.hidden = false;
    ui.timer.textContent = Math.floor(seconds / 60) + ":" + ("0" + (seconds % 60)).slice(-2);
  }

  function session() {
    return fetch("/widget/session/", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ channel: KEY, token: window.localStorage.getItem(tokenKey) || "" })
    }).then(function (r) {
      if (!r.ok) { throw new Error("the chat service answered " + r.status); }
      return r.json();
    }).then(function (s) { window.localStorage.setItem(tokenKey, s.token); return s; });
  }

  // aiortc does not trickle: the offer goes with every candidate in it.
  function gathered(pc) {
    return new Promise(function (resolve) {
      if (pc.iceGatheringState === "complete") { resolve(); return; }
      pc.addEventListener("icegatheringstatechange", function () {
        if (pc.iceGatheringState === "complete") { resolve(); }
      });
      setTimeout(resolve, 3000);
    });
  }

  function send(frame) {
    if (call.socket && call.socket.readyState === WebSocket.OPEN) {
      call.socket.send(JSON.stringify(frame));
    }
  }

  function start() {
    show("connecting", "Asking for your microphone…");
    ui.prompt.textContent = "";
    navigator.mediaDevices.getUserMedia({ audio: true }).then(function (microphone) {
      call.microphone = microphone;
      show("connecting");
      return session();
    }).then(function (s) {
      var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
      var socket = call.socket = new WebSocket(
        scheme + window.location.host + "/ws/webcall/?token=" + encodeURIComponent(s.token));
      socket.onmessage = function (event) { receive(JSON.parse(event.data)); };
      socket.onclose = function () {
        if (socket === call.socket && call.state !== "ended") { finish("The connection was lost."); }
      };
    }).catch(function (error) {
      finish("The call needs your microphone: " + error.message);
    });
  }

  function offer(iceServers) {
    var pc = call.pc = new RTCPeerConnection({ iceServers: iceServers || [] });
    call.microphone.getAudioTracks().forEach(function (t) { pc.addTrack(t, call.microphone); });
    pc.ontrack = function (event) {
      call.remote = event.streams[0] || new MediaStream([event.track]);
      ui.audio.srcObject = call.remote;
    };
    pc.onconnectionstatechange = function () {
      if (pc.connectionState === "connected" && !call.started) {
        call.started = Date.now();
        timerHandle = setInterval(tick, 1000);
        tick();
      }
    };
    pc.createOffer().then(function (o) { return pc.setLocalDescription(o); })
      .then(function () { return gathered(pc); })
      .then(function () { send({ type: "call", sdp: pc.localDescription.sdp }); })
      .catch(function (error) { finish("The call could not start: " + error.message); });
  }

  function receive(frame) {
    switch (frame.type) {
      case "ready": return offer(frame.ice_servers);
      case "answer":
        return call.pc.setRemoteDescription({ type: "answer", sdp: frame.sdp })
          .catch(function (error) { send({ type: "hangup" }); finish("The call could not start: " + error.message); });
      case "prompt": return showPrompt(frame);
      case "call_state": return stateOf(frame);
      case "error": return failed(frame);
      default: return undefined;
    }
  }

  function showPrompt(frame) {
    var said = [frame.text].concat(frame.options.map(function (o) {
      return "For " + o.label + ", press " + o.value + ".";
    }));
    ui.prompt.textContent = said.join(" ").trim();
  }

  function stateOf(frame) {
    if (frame.state === "ended") { return finish(frame.reason ? "Call ended: " + frame.reason + "." : ""); }
    if (frame.state === "waiting") {
      ui.prompt.textContent = "";
      var place = frame.position === 1 ? "You are next in line." :
        "You are number " + frame.position + " in line.";
      return show("waiting", place + " Please hold.");
    }
    if (frame.state === "talking") {
      ui.prompt.textContent = "";
      return show("talking", frame.agent ? "On the call with " + frame.agent + "." : "");
    }
    return show(frame.state);
  }

  function failed(frame) {
    if (frame.code === "refused") { ui.prompt.textContent = frame.reason; return; }
    finish("The call failed: " + frame.reason);
  }

  function finish(text) {
    var socket = call.socket;
    call.socket = null;
    if (call.pc) { call.pc.close(); }
    if (call.microphone) { call.microphone.getTracks().forEach(function (t) { t.stop(); }); }
    if (socket) { socket.close(); }
    call.pc = null; call.microphone = null; call.started = null; call.muted = false;
    clearInterval(timerHandle);
    ui.timer.hidden = true;
    ui.mute.setAttribute("aria-pressed", "false");
    show("ended", text);
  }

  ui.start.addEventListener("click", start);
  ui.hangup.addEventListener("click", function () {
    send({ type: "hangup" });
    finish("");
  });
  ui.mute.addEventListener("click", function () {
    call.muted = !call.muted;
    if (call.microphone) {
      call.microphone.getAudioTracks().forEach(function (t) { t.enabled = !call.muted; });
    }
    // One name, its state in aria-pressed: a toggle that renamed itself would say it twice.
    ui.mute.setAttribute("aria-pressed", call.muted ? "true" : "false");
  });
  ui.keypadToggle.addEventListener("click", function () { openKeypad(ui.keypad.hidden); });
  ui.keypad.addEventListener("click", function (event) {
    var key = event.target.closest("[data-key]");
    if (key) { send({ type: "keys", digits: key.dataset.key }); }
  });
})();
