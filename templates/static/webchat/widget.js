/* The chat window inside the widget's iframe. Protocol: docs/websocket-protocol.md.
   Messages are written with textContent only: nothing a customer or agent types is ever HTML. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("config").textContent);
  var KEY = config.channel;
  var store = window.localStorage;
  var tokenKey = "cc-widget-token:" + KEY;
  var outboxKey = "cc-widget-outbox:" + KEY;
  var openKey = "cc-widget-open:" + KEY;

  var $ = function (id) { return document.getElementById(id); };
  var ui = {
    launcher: $("launcher"), panel: $("panel"), close: $("close"), status: $("status"),
    prechat: $("prechat"), messages: $("messages"), typing: $("typing"), composer: $("composer"),
    rating: $("rating"), transcript: $("transcript"), newChat: $("new-chat"),
    subtitle: $("subtitle"), avatar: $("agent-avatar"), unread: $("unread"),
    greeting: $("greeting"), offline: $("offline")
  };

  var socket = null;
  var backoff = 1000;
  var conversation = null; // {interaction_id, version, state}
  var seen = {};           // message ids and client message ids already shown
  var readTo = null;       // the last of our messages the agent has read (its id)
  var welcomed = false;
  var unread = 0;
  var typingTimer = null;
  var lastTypingSent = 0;
  var chosenRating = 0;

  // -- the outbox: typed messages survive reloads until the server acknowledges them --------
  function outbox() {
    try { return JSON.parse(store.getItem(outboxKey) || "[]"); } catch (e) { return []; }
  }
  function saveOutbox(items) { store.setItem(outboxKey, JSON.stringify(items)); }
  function newId() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    return "c" + Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  // -- opening and closing -------------------------------------------------------------------
  function setOpen(open) {
    ui.panel.hidden = !open;
    ui.launcher.hidden = open;
    store.setItem(openKey, open ? "1" : "0");
    window.parent.postMessage({ type: "cc-widget", state: open ? "open" : "closed" }, "*");
    if (open) { unread = 0; ui.unread.hidden = true; }
  }
  ui.launcher.addEventListener("click", function () { setOpen(true); });
  ui.close.addEventListener("click", function () { setOpen(false); });

  // -- the socket --------------------------------------------------------------------------
  // The socket is the session too: it is opened with the channel and the token kept from the
  // last visit (if any), and its welcome hands back a renewed token, or one for a new visitor.
  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var token = store.getItem(tokenKey) || "";
    var query = "?channel=" + encodeURIComponent(KEY) +
                (token ? "&token=" + encodeURIComponent(token) : "");
    socket = new WebSocket(scheme + window.location.host + "/ws/webchat/" + query);
    socket.onmessage = function (event) { receive(JSON.parse(event.data)); };
    socket.onopen = function () { backoff = 1000; setStatus(""); };
    socket.onclose = function (event) {
      socket = null;
      if (event.code === 4401) { store.removeItem(tokenKey); }
      setStatus(welcomed ? "Reconnecting…" : "Cannot reach the chat. Retrying…");
      setTimeout(connect, backoff);
      backoff = Math.min(backoff * 2, 15000);
    };
  }

  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  function setStatus(text) { ui.status.textContent = text; ui.status.hidden = !text; }

  // -- frames from the server --------------------------------------------------------------
  function receive(frame) {
    switch (frame.type) {
      case "welcome": return welcome(frame);
      case "message": return track(frame) && showMessage(frame.message);
      case "agent_joined": return track(frame) && agentJoined(frame.agent, false, frame.position);
      case "transferred":
        return track(frame) && notice("You are being transferred to a colleague.", frame.position);
      case "closed": return track(frame) && closed(frame);
      case "state": return track(frame) && stateChanged(frame.state);
      case "read": return track(frame) && showRead(frame.message_id);
      case "rated":
        track(frame);
        ui.rating.hidden = true;
        return notice("Thank you for your feedback.");
      case "tick": return track(frame);
      case "ack": return acknowledged(frame);
      case "typing": return showTyping();
      case "queue_position": return showPosition(frame);
      case "transcript_sent": return notice("We sent the conversation to " + frame.to + ".");
      case "transcript_confirmation":
        return notice("We sent a link to " + frame.to + ": open it to receive the conversation.");
      case "error": return showError(frame);
      default: return undefined;
    }
  }

  // Pushes carry the interaction's version; a gap means we missed one: ask for everything.
  function track(frame) {
    if (!conversation || conversation.interaction_id !== frame.interaction_id) {
      conversation = { interaction_id: frame.interaction_id, version: frame.version, state: "" };
      return true;
    }
    if (frame.version <= conversation.version) { return false; }
    if (frame.version !== conversation.version + 1) { send({ type: "resync" }); return false; }
    conversation.version = frame.version;
    return true;
  }

  function welcome(frame) {
    if (frame.token) { store.setItem(tokenKey, frame.token); }
    var channel = frame.channel;
    ui.greeting.textContent = channel.greeting;
    ui.offline.textContent = channel.offline_message;
    ui.offline.hidden = channel.open;
    $("email-row").hidden = !channel.ask_email;
    var select = ui.prechat.elements.topic;
    select.textContent = "";
    channel.topics.forEach(function (topic) {
      var option = document.createElement("option");
      option.value = topic.id;
      option.textContent = topic.label;
      select.appendChild(option);
    });
    $("topic-row").hidden = channel.topics.length === 0;
    if (channel.attachments) {
      limits = channel.attachments;
      $("file").accept = limits.types.join(",");
    }
    ui.messages.textContent = "";
    seen = {};
    var c = frame.conversation;
    conversation = c ? { interaction_id: c.interaction_id, version: c.version, state: c.state }
                     : null;
    readTo = c ? c.read_message_id : null;
    if (c) {
      c.messages.forEach(showMessage);
      if (c.agent) { agentJoined(c.agent, true); }
      if (c.queue) { showPosition(c.queue); }
    }
    outbox().forEach(function (item) { showOwn(item); });
    welcomed = true;
    layout(c);
    flushOutbox();
  }

  function layout(c) {
    var ended = c && (c.state === "closed" || c.state === "abandoned" || c.state === "wrap_up");
    var started = (c && !ended) || outbox().length > 0;
    ui.prechat.hidden = started || (ended && c.can_rate);
    ui.composer.hidden = !started;
    ui.rating.hidden = !(ended && c.can_rate);
    ui.transcript.hidden = !ended;
    ui.newChat.hidden = !ended;
  }

  function showMessage(message) {
    if (seen[message.id]) { return; }
    seen[message.id] = true;
    if (message.author === "activity") { return notice(message.text); }
    // Our own message coming back: the pending copy becomes the real one.
    var pending = message.client_message_id &&
                  document.getElementById("c-" + message.client_message_id);
    if (pending && !(message.attachments || []).length) {
      pending.classList.remove("pending"); pending.id = "m-" + message.id;
      if (message.id === readTo) { placeReceipt(); }
      return;
    }
    if (message.client_message_id) { seen["c:" + message.client_message_id] = true; }
    var item = document.createElement("li");
    item.className = "message " + message.author;
    item.id = "m-" + message.id;
    if (message.author !== "customer" && message.name) {
      var who = document.createElement("span");
      who.className = "who";
      who.textContent = message.name;
      item.appendChild(who);
    }
    if (message.text || !(message.attachments || []).length) {
      var text = document.createElement("p");
      text.textContent = message.text;
      item.appendChild(text);
    }
    if ((message.attachments || []).length) { item.appendChild(renderFiles(message.attachments)); }
    item.appendChild(stamp(message.at));
    if (message.options && message.options.length) {
      var buttons = document.createElement("div");
      buttons.className = "options";
      message.options.forEach(function (option) {
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = option.label;
        button.addEventListener("click", function () {
          var id = newId();
          showOwn({ client_message_id: id, text: option.label });
          send({ type: "choose", value: option.value, label: option.label, client_message_id: id });
        });
        buttons.appendChild(button);
      });
      item.appendChild(buttons);
    }
    if (pending) { pending.replaceWith(item); } else { append(item); }
    if (message.id === readTo) { placeReceipt(); }
    ui.typing.hidden = true;
    if (message.author !== "customer" && ui.panel.hidden) {
      unread += 1;
      ui.unread.textContent = String(unread);
      ui.unread.hidden = false;
    }
  }

  // -- files: the visitor's token is the credential, sent in a header, so pictures and
  // downloads are fetched here and handed to the page as blob: URLs -------------------------
  var limits = { max_bytes: 0, types: [] };

  function fetchFile(url) {
    return fetch(url, { headers: { Authorization: "Bearer " + (store.getItem(tokenKey) || "") } })
      .then(function (r) {
        if (!r.ok) { throw new Error(r.status === 404 ? "The file is no longer available." : "The file could not be loaded."); }
        return r.blob();
      });
  }

  function sizeText(bytes) {
    return bytes >= 1048576 ? (bytes / 1048576).toFixed(1) + " MB" : Math.max(1, Math.round(bytes / 1024)) + " KB";
  }

  function save(file) {
    return fetchFile(file.url).then(function (blob) {
      var link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = file.name;
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(function () { URL.revokeObjectURL(link.href); }, 60000);
    }).catch(function (e) { setStatus(e.message); });
  }

  function renderFiles(attachments) {
    var box = document.createElement("div");
    box.className = "files";
    attachments.forEach(function (file) {
      var link = document.createElement("a");
      link.href = "#";
      link.className = "file" + (file.thumbnail_url ? " image" : "");
      link.dataset.url = file.url;
      link.addEventListener("click", function (event) { event.preventDefault(); save(file); });
      if (file.thumbnail_url) {
        var img = document.createElement("img");
        img.alt = file.name;
        link.title = "Download " + file.name;
        link.appendChild(img);
        fetchFile(file.thumbnail_url).then(function (blob) { img.src = URL.createObjectURL(blob); })
          .catch(function () { link.textContent = file.name + " (" + sizeText(file.size) + ")"; });
      } else {
        link.textContent = file.name + " (" + sizeText(file.size) + ")";
      }
      box.appendChild(link);
    });
    return box;
  }

  function sendFile(file) {
    if (limits.max_bytes && file.size > limits.max_bytes) {
      setStatus(file.name + " is larger than " + sizeText(limits.max_bytes) + ".");
      return;
    }
    var id = newId();
    var li = document.createElement("li");
    li.className = "message customer pending";
    li.id = "c-" + id;
    var text = document.createElement("p");
    text.textContent = "Sending " + file.name + "…";
    li.appendChild(text);
    append(li);
    var form = new FormData();
    form.append("file", file);
    form.append("client_message_id", id);
    fetch("/widget/attachments/", {
      method: "POST", body: form,
      headers: { Authorization: "Bearer " + (store.getItem(tokenKey) || "") }
    }).then(function (r) {
      return r.json().then(function (answer) {
        if (!r.ok) { throw new Error(answer.error || ("the file was refused (" + r.status + ")")); }
        if (!conversation || conversation.interaction_id !== answer.interaction_id) { send({ type: "resync" }); }
        layout({ state: "active" });
      });
    }).catch(function (e) {
      li.remove();
      setStatus("Not sent: " + e.message);
    });
  }

  $("file").addEventListener("change", function (event) {
    var chosen = event.target.files && event.target.files[0];
    event.target.value = "";
    if (chosen) { sendFile(chosen); }
  });

  function showOwn(item) {
    if (seen["c:" + item.client_message_id]) { return; }
    seen["c:" + item.client_message_id] = true;
    var li = document.createElement("li");
    li.className = "message customer pending";
    li.id = "c-" + item.client_message_id;
    var text = document.createElement("p");
    text.textContent = item.text;
    li.appendChild(text);
    li.appendChild(stamp(new Date().toISOString()));
    append(li);
  }

  // When a message was written, in the visitor's own clock and language.
  function stamp(at) {
    var time = document.createElement("time");
    time.className = "at";
    var when = at ? new Date(at) : new Date();
    time.dateTime = when.toISOString();
    time.textContent = when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    return time;
  }

  // Read receipts: "Read" under the last of our messages the agent has seen, and only there.
  function showRead(messageId) {
    readTo = messageId;
    placeReceipt();
  }

  function placeReceipt() {
    var mark = ui.messages.querySelector(".receipt");
    var item = readTo && document.getElementById("m-" + readTo);
    if (!item) { return; }
    if (!mark) {
      mark = document.createElement("span");
      mark.className = "receipt";
      mark.textContent = "Read";
    }
    item.appendChild(mark);
  }

  function append(item) {
    ui.messages.appendChild(item);
    ui.messages.scrollTop = ui.messages.scrollHeight;
  }

  function acknowledged(frame) {
    saveOutbox(outbox().filter(function (m) { return m.client_message_id !== frame.client_message_id; }));
    var pending = document.getElementById("c-" + frame.client_message_id);
    if (pending) { pending.classList.remove("pending"); }
    if (!conversation || conversation.interaction_id !== frame.interaction_id) {
      send({ type: "resync" });
    }
  }

  function agentJoined(agent, quiet, position) {
    if (!agent) { return; }
    ui.subtitle.textContent = agent.name + " is here to help";
    if (agent.avatar_url) { ui.avatar.src = agent.avatar_url; ui.avatar.hidden = false; }
    if (!quiet) { notice(agent.name + " joined the conversation.", position); }
    setStatus("");
  }

  function closed(frame) {
    var already = conversation && /^(wrap_up|closed|abandoned)$/.test(conversation.state);
    if (conversation) { conversation.state = frame.state; }
    ui.subtitle.textContent = "";
    ui.avatar.hidden = true;
    if (!already) { notice("The conversation has ended.", frame.position); }
    layout({ state: "closed", can_rate: frame.can_rate });
  }

  function stateChanged(state) {
    if (conversation) { conversation.state = state; }
    if (state === "queued") { setStatus("Waiting for an agent…"); }
  }

  function showTyping() {
    ui.typing.hidden = false;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () { ui.typing.hidden = true; }, 4000);
  }

  function showPosition(queue) {
    var text = "You are number " + queue.position + " in line.";
    if (queue.expected_wait_seconds) {
      var minutes = Math.max(1, Math.round(queue.expected_wait_seconds / 60));
      text += " Expected wait: about " + minutes + " minute" + (minutes === 1 ? "" : "s") + ".";
    }
    setStatus(text);
  }

  function showError(frame) {
    if (frame.code === "rate_limited") {
      setStatus("You are sending messages too fast. Try again in " + Math.ceil(frame.retry_after) + " s.");
      if (frame.ref) { setTimeout(flushOutbox, frame.retry_after * 1000); }
      return;
    }
    if (frame.ref) {  // refused for good: drop it from the outbox
      saveOutbox(outbox().filter(function (m) { return m.client_message_id !== frame.ref; }));
    }
    setStatus(frame.reason);
  }

  // A notice of something that happened (joined, transferred, ended): `position` is the event's,
  // so the same line in a later welcome (an activity message "activity:<position>") is not
  // shown twice.
  function notice(text, position) {
    if (position) {
      if (seen["activity:" + position]) { return; }
      seen["activity:" + position] = true;
    }
    var item = document.createElement("li");
    item.className = "notice";
    item.textContent = text;
    append(item);
  }

  // -- what the visitor does ---------------------------------------------------------------
  function queueMessage(text) {
    var item = { client_message_id: newId(), text: text };
    saveOutbox(outbox().concat([item]));
    showOwn(item);
    flushOutbox();
  }

  function flushOutbox() {
    if (!welcomed) { return; }
    outbox().forEach(function (item) {
      send({ type: "message", text: item.text, client_message_id: item.client_message_id });
    });
  }

  ui.prechat.addEventListener("submit", function (event) {
    event.preventDefault();
    var form = ui.prechat.elements;
    send({ type: "start", name: form.name.value, email: form.email.value,
           topic: form.topic.value || null });
    var text = form.text.value.trim();
    if (!text) { return; }
    form.text.value = "";
    ui.prechat.hidden = true;
    ui.composer.hidden = false;
    ui.transcript.hidden = true;
    ui.rating.hidden = true;
    ui.newChat.hidden = true;
    queueMessage(text);
  });

  ui.composer.addEventListener("submit", function (event) {
    event.preventDefault();
    var box = ui.composer.elements.text;
    var text = box.value.trim();
    if (!text) { return; }
    box.value = "";
    queueMessage(text);
  });
  ui.composer.elements.text.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      ui.composer.requestSubmit();
    }
  });
  ui.composer.elements.text.addEventListener("input", function () {
    if (Date.now() - lastTypingSent > 2000) { lastTypingSent = Date.now(); send({ type: "typing" }); }
  });

  ui.rating.addEventListener("click", function (event) {
    var rating = event.target.getAttribute && event.target.getAttribute("data-rating");
    if (!rating) { return; }
    chosenRating = Number(rating);
    Array.prototype.forEach.call(ui.rating.querySelectorAll("[data-rating]"), function (star) {
      star.classList.toggle("on", Number(star.getAttribute("data-rating")) <= chosenRating);
    });
  });
  ui.rating.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!chosenRating) { setStatus("Choose from 1 to 5 stars."); return; }
    send({ type: "rate", rating: chosenRating, comment: ui.rating.elements.comment.value });
  });
  ui.transcript.addEventListener("submit", function (event) {
    event.preventDefault();
    send({ type: "transcript", email: ui.transcript.elements.email.value });
  });
  ui.newChat.addEventListener("click", function () {
    layout(null);
    ui.prechat.hidden = false;
  });

  setOpen(store.getItem(openKey) === "1");
  connect();
})();
