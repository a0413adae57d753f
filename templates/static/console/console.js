/* The agent console. State comes from the server's snapshot and interaction views; pushed
   events are applied on top while their versions follow on, and anything else (a gap, a
   reconnect) asks the server again: the console always converges to a fresh page load.
   Everything anyone typed is written with textContent; e-mail HTML (sanitised on arrival)
   is shown in a sandboxed iframe with scripts off. Protocol: docs/websocket-protocol.md. */
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var me = JSON.parse($("me-data").textContent);
  var state = {
    interactions: {},   // id -> interaction view (offered to me, active, wrap-up)
    active: null,       // the open tab
    queues: [], agents: [], canned: [], awayReasons: [],
    pending: {},        // request ref -> callback
    connected: false
  };
  var socket = null;
  var backoff = 1000;
  var refs = 0;
  var lastTyping = 0;
  var lastSync = 0;   // when the last snapshot was asked for (or came with a connect)
  // The agent's choices of conversation, counted: an answer that arrives after the agent chose
  // another one (an accept still on its way when they clicked a tab) does not take them away.
  var chosen = 0;
  function choose(id) { chosen += 1; state.active = id; renderAll(); }
  // Modules loaded after this one (inbox.js, composer.js, attention.js) hook in here: they
  // hear what happens ("render", "event", "sent", "offers") and use the same socket.
  var hooks = {};
  function emit(name, detail) {
    (hooks[name] || []).forEach(function (fn) {
      try { fn(detail); } catch (e) { if (window.console) { window.console.error(e); } }
    });
  }

  // -- the socket ---------------------------------------------------------------------------
  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + "/ws/agent/");
    socket.onopen = function () { backoff = 1000; lastSync = Date.now(); setConnection(true); };
    socket.onmessage = function (event) { receive(JSON.parse(event.data)); };
    socket.onclose = function (event) {
      setConnection(false);
      if (event.code === 4403) { toast("Your session ended. Log in again."); return; }
      setTimeout(connect, backoff);
      backoff = Math.min(backoff * 2, 15000);
    };
  }

  function request(type, fields, callback) {
    var ref = "r" + (++refs);
    var frame = Object.assign({ type: type, ref: ref }, fields || {});
    if (callback) { state.pending[ref] = callback; }
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(frame));
    } else {
      toast("Not connected; try again in a moment.");
    }
    return ref;
  }

  function setConnection(up) {
    state.connected = up;
    var el = $("connection");
    el.textContent = up ? "connected" : "reconnecting…";
    el.className = "connection " + (up ? "up" : "down");
  }

  // -- frames from the server -----------------------------------------------------------------
  function receive(frame) {
    switch (frame.type) {
      case "snapshot": return applySnapshot(frame);
      case "interaction": return putInteraction(frame.interaction);
      case "event": return applyEvent(frame);
      case "typing": return showTyping(frame);
      case "ack": return settle(frame, null);
      case "error": return settle(frame, frame.reason);
      default: return undefined;
    }
  }

  function settle(frame, error) {
    var callback = state.pending[frame.ref];
    delete state.pending[frame.ref];
    if (error) { toast(error); }
    if (callback) { callback(error, frame); }
  }

  // Pushes are hints (docs/websocket-protocol.md): one lost on the way — an offer, say — is
  // repaired by a fresh snapshot at least every `resync_seconds`, and at once when the page
  // becomes visible again or the network comes back (a laptop waking up).
  function resync() {
    if (!socket || socket.readyState !== WebSocket.OPEN) { return; }
    lastSync = Date.now();
    request("sync", {});
  }
  setInterval(function () {
    if (Date.now() - lastSync >= (me.resync_seconds || 30) * 1000) { resync(); }
  }, 1000);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { resync(); }
  });
  window.addEventListener("online", resync);

  function applySnapshot(snapshot) {
    me = Object.assign(me, snapshot.me);
    state.queues = snapshot.queues;
    state.agents = snapshot.agents;
    state.canned = snapshot.canned;
    state.awayReasons = snapshot.away_reasons;
    state.alerts = {};
    snapshot.alerts.forEach(function (a) { state.alerts[a.alert] = a; });
    renderAlerts();
    state.interactions = {};
    snapshot.interactions.forEach(function (view) { state.interactions[view.id] = view; });
    if (state.active && !state.interactions[state.active]) { state.active = null; }
    renderPresence();
    renderCanned();
    renderAll();
  }

  function putInteraction(view) {
    var known = state.interactions[view.id];
    if (known && known.version > view.version) { return; }
    state.interactions[view.id] = view;
    if (view.state === "active" && view.agent_id === me.id && !state.active) { state.active = view.id; }
    renderAll();
  }

  // Pushed events: applied while versions follow on; a gap asks for the interaction afresh.
  function applyEvent(frame) {
    var data = frame.data;
    if (frame.event === "AlertRaised") {
      state.alerts[data.alert] = { alert: data.alert, kind: data.kind, subject: data.subject,
                                   message: data.message, detail: data.detail };
      renderAlerts();
      return;
    }
    if (frame.event === "AlertCleared") { delete state.alerts[data.alert]; renderAlerts(); return; }
    if (frame.event === "AgentPresenceChanged") {
      if (data.agent_id === me.id) { me.presence = data.presence; me.away_reason = data.reason; renderPresence(); }
      return;
    }
    emit("frame", frame);  // the softphone hears consults asking this agent here
    var id = data.interaction_id;
    if (!id) { return; }
    var view = state.interactions[id];
    if (!view) {
      if (frame.event === "OfferCreated" && data.agent_id === me.id) {
        request("open", { interaction_id: id });
        alertOffer();
      }
      // Handed over to this agent (a consult on a call): theirs now, shown at once.
      if (frame.event === "InteractionAssigned" && data.agent_id === me.id) {
        request("open", { interaction_id: id }, function () { state.active = id; renderAll(); });
      }
      return;
    }
    if (frame.version <= view.version) { return; }
    if (frame.version !== view.version + 1) { request("open", { interaction_id: id }); return; }
    view.version = frame.version;
    reduce(view, frame);
    renderAll();
    emit("event", frame);
    if (ACTIVITY[frame.event] && !(frame.entry && LINE_ONLY[frame.event])) { refreshSoon(id); }
  }

  // Events that add an activity line (joined, transferred, …): its words are the server's
  // (names included), so the view is asked for again, once for a burst of them. A script's
  // step too: where the script stands is the server's to say (a view fetched as the step was
  // recorded may show it still to do).
  var ACTIVITY = { OfferAccepted: 1, InteractionAssigned: 1, InteractionTransferred: 1, SupervisorBarged: 1,
                   CustomerLeft: 1, CustomerReturned: 1, WrapUpStarted: 1, InteractionClosed: 1,
                   ConversationLabelled: 1, ConversationUnlabelled: 1, ConversationAttributeSet: 1,
                   FollowUpDue: 1, ScriptStepDone: 1 };
  // Of those, the events whose push says all the view would (reduce), once it brings its line
  // (`entry`): asking for the view again after every accept and every visitor leaving was a
  // view's worth of reads for one line (issue 18).
  var LINE_ONLY = { OfferAccepted: 1, CustomerLeft: 1, CustomerReturned: 1, WrapUpStarted: 1, InteractionClosed: 1 };
  var refreshing = {};
  function refreshSoon(id) {
    clearTimeout(refreshing[id]);
    refreshing[id] = setTimeout(function () {
      delete refreshing[id];
      if (state.interactions[id]) { request("open", { interaction_id: id }); }
    }, 150);
  }

  // Events that add an entry to the transcript, each with its id.
  var ENTRIES = { MessageReceived: 1, MessageSent: 1, InternalNoteAdded: 1 };

  function reduce(view, frame) {
    var data = frame.data;
    // A view is read in more than one statement (the row, then its transcript): a message
    // committed in between is in the view while its version is the one before, and its push
    // follows on from that version. It is there already: shown once.
    var entry = ENTRIES[frame.event] && (data.message_id || data.note_id);
    if (entry && view.messages.some(function (m) { return m.id === entry; })) { return; }
    var line = frame.entry;  // an activity line, as the view shows it
    if (line && !view.messages.some(function (m) { return m.id === line.id; })) { view.messages.push(line); }
    switch (frame.event) {
      case "MessageReceived":
        view.messages.push({ id: data.message_id, kind: "inbound", author: "customer", author_name: data.sender_name || data.sender,
                             text: data.text, html: data.html, subject: data.subject, attachments: data.attachments, at: frame.occurred_at });
        if (data.subject) { view.subject = view.subject || data.subject; }
        break;
      case "MessageSent":
        view.messages.push({ id: data.message_id, kind: "outbound", author: data.author, author_name: data.author_name,
                             text: data.text, html: data.html, subject: data.subject, attachments: data.attachments,
                             delivery_status: "pending", at: frame.occurred_at });
        break;
      case "InternalNoteAdded":
        if (data.audience === "agent" && view.agent_id !== me.id && !me.is_supervisor) {
          view.notes_withheld = (view.notes_withheld || 0) + 1;  // theirs once they accept it
          break;
        }
        view.messages.push({ id: data.note_id, kind: "note", author: data.author, author_name: data.author_name,
                             text: data.text, audience: data.audience, at: frame.occurred_at });
        break;
      case "MessageDelivered":
      case "MessageDeliveryFailed":
        view.messages.forEach(function (m) {
          if (m.id === data.message_id) {
            m.delivery_status = frame.event === "MessageDelivered" ? data.status : "failed";
            m.delivery_detail = data.reason || "";
          }
        });
        break;
      case "OfferCreated":
        view.state = "offered";
        view.offer = { offer_id: data.offer_id, agent_id: data.agent_id, expires_at: data.expires_at,
                       reason: (data.decision || {}).reason || "" };
        break;
      case "OfferAccepted":
      case "InteractionAssigned":
        view.state = "active"; view.agent_id = data.agent_id; view.offer = null; view.follow_up = null;
        view.answered_at = view.answered_at || frame.occurred_at;
        if (data.agent_id === me.id && !state.active) { state.active = view.id; }
        break;
      case "OfferRejected": case "OfferTimedOut": case "OfferRescinded":
        view.state = "queued"; view.offer = null;
        break;
      case "InteractionQueued": view.state = "queued"; break;
      case "InteractionTransferred": view.state = "queued"; view.agent_id = null; break;
      case "WrapUpStarted": view.state = "wrap_up"; view.wrap_up_deadline = data.deadline || null; break;
      case "InteractionClosed": view.state = "closed"; break;
      case "InteractionAbandoned": view.state = "abandoned"; break;
      case "CustomerLeft": view.customer_away = true; break;
      case "InteractionMonitored":
        view.monitored_by = (view.monitored_by || []).filter(function (m) { return m.id !== data.supervisor_id; })
          .concat([{ id: data.supervisor_id, name: data.supervisor_name }]);
        break;
      case "InteractionMonitoringEnded":
        view.monitored_by = (view.monitored_by || []).filter(function (m) { return m.id !== data.supervisor_id; });
        break;
      case "CustomerReturned": view.customer_away = false; break;
      default: break;
    }
  }

  // What stays in this console: offers to me, and what I handle.
  function mine(view) {
    if (view.state === "offered") { return view.offer && view.offer.agent_id === me.id; }
    return (view.state === "active" || view.state === "wrap_up") && view.agent_id === me.id;
  }

  // -- rendering --------------------------------------------------------------------------------
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function renderAll() {
    Object.keys(state.interactions).forEach(function (id) {
      if (!mine(state.interactions[id])) {
        delete state.interactions[id];
        request("close_view", { interaction_id: id });
      }
    });
    if (state.active && !state.interactions[state.active]) { state.active = null; }
    if (!state.active) {
      var first = held()[0];
      state.active = first ? first.id : null;
    }
    renderOffers();
    renderTabs();
    renderThread();
    renderLoad();
    emit("render", state);
  }

  function offers() {
    return Object.values(state.interactions).filter(function (v) { return v.state === "offered"; })
      .sort(function (a, b) { return a.created_at < b.created_at ? -1 : 1; });
  }
  function held() {
    return Object.values(state.interactions).filter(function (v) { return v.state !== "offered"; })
      .sort(function (a, b) { return (a.answered_at || a.created_at) < (b.answered_at || b.created_at) ? -1 : 1; });
  }

  function renderOffers() {
    var list = $("offers");
    list.textContent = "";
    var items = offers();
    if (!items.length) { list.appendChild(el("li", "empty", "No offers right now.")); return; }
    items.forEach(function (view) {
      var item = el("li", "offer");
      item.dataset.interaction = view.id;
      item.appendChild(el("strong", "", (view.customer.name || "A customer") + " · " + view.channel));
      item.appendChild(el("span", "meta", (view.queue ? view.queue.name : "") + (view.subject ? " · " + view.subject : "")));
      var last = view.messages.filter(function (m) { return m.kind === "inbound"; }).pop();
      if (last) { item.appendChild(el("p", "preview", last.text || last.subject || "")); }
      item.appendChild(el("span", "countdown", ""));
      var why = el("span", "why", view.offer ? view.offer.reason : "");
      item.appendChild(why);
      var handover = view.offer && view.offer.transfer;
      if (handover) {
        item.appendChild(el("p", "handover", "Transferred by " + (handover.from || "a colleague") +
                            (handover.note ? ": " + handover.note : "")));
      }
      if (view.follow_up) {
        item.appendChild(el("p", "handover follow-up-note", "Follow-up" +
                            (view.follow_up.agent ? " asked by " + view.follow_up.agent : "") +
                            (view.follow_up.note ? ": " + view.follow_up.note : "")));
      }
      var accept = el("button", "accept", "Accept");
      accept.addEventListener("click", function () { acceptOffer(view); });
      var reject = el("button", "reject", "Reject");
      reject.addEventListener("click", function () { rejectOffer(view); });
      item.appendChild(accept);
      item.appendChild(reject);
      list.appendChild(item);
    });
    tickCountdowns();
  }

  function tickCountdowns() {
    Array.prototype.forEach.call(document.querySelectorAll(".offer"), function (item) {
      var view = state.interactions[item.dataset.interaction];
      if (!view || !view.offer) { return; }
      var left = Math.max(0, Math.round((Date.parse(view.offer.expires_at) - Date.now()) / 1000));
      item.querySelector(".countdown").textContent = left + " s";
    });
    var view = state.interactions[state.active];
    if (view && view.state === "wrap_up" && view.wrap_up_deadline) {
      var remaining = Math.max(0, Math.round((Date.parse(view.wrap_up_deadline) - Date.now()) / 1000));
      $("wrap-up-clock").textContent = remaining + " s left";
    }
  }
  setInterval(tickCountdowns, 1000);

  function renderTabs() {
    var list = $("tabs");
    list.textContent = "";
    var items = held();
    if (!items.length) { list.appendChild(el("li", "empty", "Nothing in hand.")); return; }
    items.forEach(function (view, index) {
      var item = el("li", "tab" + (view.id === state.active ? " active" : "") + (view.state === "wrap_up" ? " wrapping" : ""));
      item.setAttribute("role", "tab");
      item.tabIndex = 0;
      item.appendChild(el("span", "index", String(index + 1)));
      item.appendChild(el("span", "", (view.customer.name || "Customer") + " · " + view.channel));
      item.appendChild(el("span", "meta", view.state === "wrap_up" ? "wrap-up" : ""));
      item.addEventListener("click", function () { choose(view.id); });
      list.appendChild(item);
    });
  }

  function renderThread() {
    var view = state.interactions[state.active];
    document.dispatchEvent(new CustomEvent("console:thread", { detail: view ? { id: view.id, channel: view.channel, state: view.state } : null }));
    $("placeholder").hidden = !!view;
    $("thread").hidden = !view;
    $("customer").hidden = !view;
    if (!view) { return; }
    $("thread-title").textContent = (view.customer.name || "Customer") + (view.subject ? " — " + view.subject : "");
    $("thread-meta").textContent = [view.channel, view.queue ? view.queue.name : "", view.state.replace("_", "-")]
      .filter(Boolean).join(" · ");
    $("away-banner").hidden = !view.customer_away;
    var watchers = view.monitored_by || [];
    $("monitored-banner").hidden = !watchers.length;
    $("monitored-banner").textContent = watchers.length ? "Monitored by " +
      watchers.map(function (m) { return m.name || "a supervisor"; }).join(", ") + "." : "";
    // Rebuilt from the view, but where the agent was reading stays put: only an agent already
    // at the end (or opening another conversation) follows new messages down.
    var transcript = $("transcript");
    var sameThread = transcript.dataset.interaction === view.id;
    var atEnd = transcript.scrollTop + transcript.clientHeight >= transcript.scrollHeight - 24;
    var readingAt = transcript.scrollTop;
    var kept = sameThread ? unchangedLead(transcript, view.messages) : 0;
    while (transcript.children.length > kept) { transcript.removeChild(transcript.lastChild); }
    view.messages.slice(kept).forEach(function (message) {
      var entry = renderMessage(message);
      entry.dataset.signature = JSON.stringify(message);
      transcript.appendChild(entry);
    });
    transcript.dataset.interaction = view.id;
    transcript.scrollTop = sameThread && !atEnd ? readingAt : transcript.scrollHeight;
    var active = view.state === "active";
    // In wrap-up the customer has been told the conversation ended: nothing more to send.
    $("composer").hidden = view.state !== "active";
    $("transfer-button").disabled = !active;
    $("end-button").disabled = !active;
    $("email-fields").hidden = view.channel !== "email";
    if (view.channel === "email" && !$("subject").value) {
      $("subject").value = view.subject ? (/^re:/i.test(view.subject) ? view.subject : "Re: " + view.subject) : "";
    }
    var wrap = $("wrap-up");
    wrap.hidden = view.state !== "wrap_up";
    var select = $("disposition");
    if (select.dataset.interaction !== view.id) {
      select.dataset.interaction = view.id;
      select.textContent = "";
      select.appendChild(el("option", "", "Choose…")).value = "";
      view.dispositions.forEach(function (d) {
        var option = el("option", "", d.label);
        option.value = d.code;
        select.appendChild(option);
      });
    }
    renderCustomer(view.customer);
    renderMatches(view);
    renderSelfService(view.self_service);
    renderScreenPop(view.screen_pop);
    renderChannelExtras(view.extras || {});
    $("call-controls").hidden = view.channel !== "voice" || view.state !== "active";
    updateComposerInfo();
  }

  // What the interaction's channel shows beside it (its adapter's `console` extras): a
  // banner (an SMS opt-out, a closed reply window), whether replies are blocked, and the
  // templates the agent may send instead (a click puts one in the composer).
  function renderChannelExtras(extras) {
    $("channel-banner").hidden = !extras.banner;
    $("channel-banner").textContent = extras.banner || "";
    updateSendAllowed();
    var box = $("channel-templates");
    var templates = extras.templates || [];
    var key = JSON.stringify(templates);
    box.hidden = !templates.length;
    if (box.dataset.key === key) { return; }
    box.dataset.key = key;
    box.textContent = "";
    templates.forEach(function (t) {
      var button = el("button", "template", t.label || t.name);
      button.type = "button";
      button.title = t.text;
      button.dataset.template = t.name;
      button.addEventListener("click", function () {
        $("reply").value = t.text;
        updateSendAllowed();
        $("reply").focus();
      });
      box.appendChild(button);
    });
  }

  // Where the channel blocks replies, only a note or one of its templates, word for word, goes.
  function updateSendAllowed() {
    var view = state.interactions[state.active];
    var extras = (view && view.extras) || {};
    var text = $("reply").value.trim();
    var allowed = !extras.blocks_reply || $("note-mode").checked ||
      (extras.templates || []).some(function (t) { return t.text.trim() === text; });
    $("send-button").disabled = !allowed;
  }

  function renderSelfService(session) {
    $("self-service").hidden = !session;
    if (!session) { return; }
    var path = $("flow-path");
    path.textContent = "";
    session.path.forEach(function (step) {
      var answers = step.answers || [];
      var last = answers.length ? answers[answers.length - 1] : null;
      var text = step.step + (last ? ": " + last.text : "") + (last && last.valid === false ? " (not understood)" : "") +
        (step.note ? " (" + step.note.replace(/_/g, " ") + ")" : "");
      path.appendChild(el("li", "", text));
    });
    var attributes = $("flow-attributes");
    attributes.textContent = "";
    Object.keys(session.attributes || {}).forEach(function (key) {
      attributes.appendChild(el("dt", "", key));
      attributes.appendChild(el("dd", "", String(session.attributes[key])));
    });
  }

  // The queue's screen pop: the business's own page for this customer, one tab reused
  // ("screen-pop") so each conversation replaces the last instead of piling up tabs.
  function renderScreenPop(pop) {
    $("screen-pop").hidden = !pop;
    if (!pop) { return; }
    var link = $("screen-pop-link");
    link.href = pop.url;
    link.title = "The screen pop of " + pop.queue + ": " + pop.url;
  }

  // SMS: how many segments the reply will take, and in which encoding.
  var segmentTimer = null;
  function updateComposerInfo() {
    var view = state.interactions[state.active];
    var info = $("composer-info");
    if (!view || view.channel !== "sms" || $("note-mode").checked) { info.textContent = ""; return; }
    clearTimeout(segmentTimer);
    segmentTimer = setTimeout(function () {
      fetch("/channels/sms/segments/?text=" + encodeURIComponent($("reply").value), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (s) { info.textContent = s.segments + " segment" + (s.segments === 1 ? "" : "s") + " · " + s.encoding; })
        .catch(function () { info.textContent = ""; });
    }, 250);
  }

  // Voice: call controls go straight to the voice channel's endpoints.
  Array.prototype.forEach.call(document.querySelectorAll("[data-call]"), function (button) {
    button.addEventListener("click", function () {
      var view = state.interactions[state.active];
      if (!view) { return; }
      fetch("/channels/voice/calls/" + encodeURIComponent(view.id) + "/" + button.dataset.call + "/", {
        method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": $("csrf").value }
      }).then(function (r) { return r.json(); }).then(function (answer) {
        if (answer.error) { toast(answer.error); }
      });
    });
  });

  // How many entries on screen, from the top, show these messages as they are now: those stay
  // untouched. Rebuilding an e-mail's frame would load it again (its pictures fetched again,
  // where the agent was reading in it lost) at every update of the conversation.
  function unchangedLead(transcript, messages) {
    var entries = transcript.children;
    var n = 0;
    while (n < messages.length && n < entries.length &&
           entries[n].dataset.signature === JSON.stringify(messages[n])) { n++; }
    return n;
  }

  function renderMessage(message) {
    if (message.kind === "activity") {
      var line = el("li", "entry activity");
      line.appendChild(el("p", "line", message.text));
      line.appendChild(el("time", "meta", new Date(message.at).toLocaleTimeString()));
      return line;
    }
    var item = el("li", "entry " + message.kind);
    item.dataset.message = message.id;
    var head = el("div", "entry-head");
    head.appendChild(el("strong", "", message.kind === "inbound" ? (message.author_name || "Customer")
                                       : (message.author_name || message.author)));
    if (message.kind === "note") { head.appendChild(el("span", "tag", message.audience === "agent" ? "whisper" : "internal note")); }
    head.appendChild(el("time", "meta", new Date(message.at).toLocaleTimeString()));
    var view = state.interactions[state.active];
    if (message.delivery_status && message.kind === "outbound" && view && view.channel !== "webchat") {
      var status = el("span", "delivery " + message.delivery_status, message.delivery_status);
      if (message.delivery_detail) { status.title = message.delivery_detail; }
      head.appendChild(status);
    }
    item.appendChild(head);
    if (message.subject) { item.appendChild(el("p", "subject", message.subject)); }
    if (message.html) {
      item.appendChild(emailBody(message));
    } else {
      var body = el("p", "body");
      body.appendChild(window.ConsoleText ? window.ConsoleText.linkify(message.text || "") :
                       document.createTextNode(message.text || ""));
      item.appendChild(body);
    }
    if ((message.attachments || []).length) { item.appendChild(window.ConsoleFiles.render(message.attachments)); }
    return item;
  }

  // E-mail HTML. Remote images are as often trackers as pictures (they tell the sender when,
  // and from where, the mail was read), so they stay blocked until the agent asks, one message
  // at a time. The sandboxed frame carries a policy of its own, which the mail cannot remove:
  // images stored here only, or, once loaded, images from anywhere. Scripts never run.
  var remoteImagesLoaded = {};  // message id -> true

  function emailBody(message) {
    var box = el("div", "email-body");
    var remote = hasRemoteImages(message.html);
    var loaded = remote && remoteImagesLoaded[message.id];
    if (remote && !loaded) {
      var bar = el("p", "remote-images", "Remote images are blocked: they can tell the sender when and where this was read. ");
      var load = el("button", "link load-images", "Load images");
      load.type = "button";
      load.addEventListener("click", function () {
        remoteImagesLoaded[message.id] = true;
        box.replaceWith(emailBody(message));
      });
      bar.appendChild(load);
      box.appendChild(bar);
    }
    var frame = document.createElement("iframe");
    frame.className = "html-body";
    frame.setAttribute("sandbox", "");  // no scripts, no same-origin: inert
    frame.setAttribute("referrerpolicy", "no-referrer");
    frame.srcdoc = framePolicy(loaded) + message.html;
    box.appendChild(frame);
    return box;
  }

  function framePolicy(remoteImages) {
    var images = remoteImages ? "https: http: data:" : location.origin + " data:";
    return '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; img-src ' + images + '">' +
           '<meta name="referrer" content="no-referrer">';
  }

  function hasRemoteImages(html) {
    // DOMParser's document is inert: parsing it fetches nothing.
    var doc = new DOMParser().parseFromString(html, "text/html");
    var sources = doc.querySelectorAll("[src], [srcset], [background], [poster]");
    return Array.prototype.some.call(sources, function (node) {
      return ["src", "srcset", "background", "poster"].some(function (name) {
        var url = (node.getAttribute(name) || "").trim();
        return /^(https?:)?\/\//i.test(url) && url.indexOf(location.origin + "/") !== 0;
      });
    });
  }

  function renderCustomer(customer) {
    // Click-to-contact (reach-out.js) follows the customer on screen.
    document.dispatchEvent(new CustomEvent("customer-shown", { detail: customer }));
    $("customer-name").textContent = customer.name || "Unknown customer";
    $("customer-meta").textContent = [customer.company, customer.email, customer.phone].filter(Boolean).join(" · ");
    var identities = $("identities");
    identities.textContent = "";
    customer.identities.forEach(function (i) { identities.appendChild(el("li", "", i.kind + ": " + i.address)); });
    var notes = $("customer-notes");
    notes.textContent = "";
    customer.notes.forEach(function (n) {
      var item = el("li", "", n.text);
      item.appendChild(el("span", "meta", " — " + (n.author_name || "") + ", " + new Date(n.at).toLocaleDateString()));
      notes.appendChild(item);
    });
    var history = $("history");
    history.textContent = "";
    if (!customer.history.length) { history.appendChild(el("li", "empty", "First contact.")); }
    customer.history.forEach(function (h) {
      var item = el("li", "");
      item.appendChild(el("strong", "", new Date(h.started_at).toLocaleDateString() + " · " + h.channel));
      item.appendChild(el("span", "meta", " " + h.state + (h.disposition ? " · " + h.disposition : "") +
                                     (h.csat ? " · CSAT " + h.csat : "")));
      item.appendChild(el("p", "", h.summary || h.subject || ""));
      if (h.notes) { item.appendChild(el("p", "meta", "Notes: " + h.notes)); }
      history.appendChild(item);
    });
  }

  // A known customer this one may be (the visitor gave their e-mail): never merged silently,
  // one click for the agent, who is recorded as having merged them.
  function renderMatches(view) {
    var box = $("possible-matches");
    box.textContent = "";
    (view.possible_matches || []).forEach(function (match) {
      var item = el("div", "match");
      item.appendChild(el("p", "", "Possible match: " + (match.name || "a known customer") +
                                   " — the visitor gave " + match.email + ", which is theirs."));
      var merge = el("button", "merge", "Same person: merge");
      merge.type = "button";
      merge.addEventListener("click", function () {
        merge.disabled = true;
        request("merge_customer", { interaction_id: view.id, into_customer_id: match.customer_id },
                function (error, frame) {
                  if (error) { merge.disabled = false; return; }
                  putInteraction(frame.interaction);
                });
      });
      item.appendChild(merge);
      box.appendChild(item);
    });
    box.hidden = !box.childNodes.length;
  }

  // Slow-moving alerts that concern this agent: their queues' and their own.
  function renderAlerts() {
    var box = $("alerts");
    box.textContent = "";
    Object.values(state.alerts || {}).forEach(function (a) {
      var queue = a.kind === "queue_below_sl" ? Number(a.subject)
                : (a.detail && a.detail.queue_id) || null;
      var relevant = me.is_supervisor || (queue !== null && (me.queues || []).indexOf(queue) >= 0) ||
                     ((a.kind === "away_too_long" || a.kind === "out_of_adherence") && Number(a.subject) === me.id);
      if (relevant) { box.appendChild(el("p", "alert " + a.kind, a.message)); }
    });
  }

  function renderPresence() {
    var select = $("presence");
    select.textContent = "";
    var options = [["available", "", "Available"]].concat(
      state.awayReasons.map(function (r) { return ["away", r.code, "Away — " + r.label]; }),
      [["offline", "", "Offline"]]);
    if (me.presence === "away" && me.away_reason === "missed_offers") {
      options.push(["away", "missed_offers", "Away — missed offers"]);
    }
    options.forEach(function (o) {
      var option = el("option", "", o[2]);
      option.value = o[0] + ":" + o[1];
      option.selected = o[0] === me.presence && (o[0] !== "away" || o[1] === me.away_reason);
      select.appendChild(option);
    });
    $("presence-dot").className = "dot " + me.presence;
  }

  function renderCanned() {
    var select = $("canned");
    select.textContent = "";
    select.appendChild(el("option", "", "Canned responses…")).value = "";
    state.canned.forEach(function (c) {
      var option = el("option", "", c.title + (c.shortcut ? "  /" + c.shortcut : ""));
      option.value = c.id;
      select.appendChild(option);
    });
  }

  function renderLoad() {
    var counts = {};
    held().concat(offers()).forEach(function (v) { counts[v.channel] = (counts[v.channel] || 0) + 1; });
    $("load").textContent = Object.keys(me.capacity || {}).filter(function (c) { return me.capacity[c]; })
      .map(function (c) { return c + " " + (counts[c] || 0) + "/" + me.capacity[c]; }).join("  ");
  }

  function showTyping(frame) {
    if (frame.interaction_id !== state.active || frame.who !== "customer") { return; }
    var el_ = $("customer-typing");
    el_.hidden = false;
    clearTimeout(showTyping.timer);
    showTyping.timer = setTimeout(function () { el_.hidden = true; }, 4000);
  }

  function toast(text) {
    var box = $("toast");
    box.textContent = text;
    box.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(function () { box.hidden = true; }, 5000);
  }

  // -- offers: the ring and the desktop notification are attention.js's ----------------------
  function alertOffer() { emit("offer", null); }
  document.addEventListener("click", function askOnce() {
    if (window.Notification && Notification.permission === "default") { Notification.requestPermission(); }
    document.removeEventListener("click", askOnce);
  });

  // -- actions ---------------------------------------------------------------------------------
  function acceptOffer(view) {
    var asked = ++chosen;
    // The rest of the view is the offer's. What the accept changed comes as its pushed events,
    // the joined line with them; only whispers the offer's view held back (the agent handling
    // it may read them) are asked for with it, as what the accept changed.
    var wanted = view.notes_withheld ? "partial" : "none";
    var withheld = view.notes_withheld || 0;
    request("accept", { interaction_id: view.id, offer_id: view.offer.offer_id, view: wanted }, function (error, frame) {
      if (error) { return; }
      var known = state.interactions[view.id];
      // A whisper pushed while the accept was on its way was counted held back from the offer,
      // after the accept had said which to send: the view, read again, has it.
      if (!known || (known.notes_withheld || 0) > withheld) { request("open", { interaction_id: view.id }); }
      if (!known) { return; }
      if (frame.interaction) {
        putInteraction(Object.assign({}, known, frame.interaction, { partial: undefined }));
      } else if (known.state === "offered") {  // accepted; its push, on its way, says the rest
        known.state = "active"; known.agent_id = me.id; known.offer = null;
      }
      if (asked === chosen) { state.active = view.id; renderAll(); $("reply").focus(); }
    });
  }
  function rejectOffer(view) {
    request("reject", { interaction_id: view.id, offer_id: view.offer.offer_id, reason: "declined" });
  }

  $("presence").addEventListener("change", function (event) {
    var parts = event.target.value.split(":");
    request("presence", { presence: parts[0], reason: parts[1] || "" });
  });

  $("composer").addEventListener("submit", function (event) {
    event.preventDefault();
    var view = state.interactions[state.active];
    var text = $("reply").value.trim();
    if (!view || !text) { return; }
    var note = $("note-mode").checked;
    var fields = { interaction_id: view.id, text: text };
    if (!note) {
      fields.client_message_id = "m" + Date.now().toString(36) + Math.random().toString(36).slice(2);
      if (view.channel === "email") {
        fields.subject = $("subject").value;
        fields.cc = $("cc").value.split(",").map(function (s) { return s.trim(); }).filter(Boolean);
      }
    }
    $("send-button").disabled = true;
    request(note ? "note" : "send", fields, function (error) {
      if (!error) { $("reply").value = ""; emit("sent", { interaction_id: view.id, note: note }); }
      updateSendAllowed();
    });
  });

  $("reply").addEventListener("input", function () {
    updateComposerInfo();
    updateSendAllowed();
    var view = state.interactions[state.active];
    if (view && view.agent_id === me.id && Date.now() - lastTyping > 2000 && !$("note-mode").checked) {
      lastTyping = Date.now();
      request("typing", { interaction_id: view.id });
    }
    var match = /^\/([a-z0-9-]+)$/.exec($("reply").value);
    if (match) {
      var found = state.canned.filter(function (c) { return c.shortcut === match[1]; })[0];
      if (found) { insertCanned(found.id); }
    }
  });

  function insertCanned(id) {
    var view = state.interactions[state.active];
    if (!view) { return; }
    request("canned", { interaction_id: view.id, canned_id: Number(id) }, function (error, frame) {
      if (!error) { $("reply").value = frame.text; updateSendAllowed(); $("reply").focus(); emit("input", view.id); }
    });
  }
  $("canned").addEventListener("change", function (event) {
    if (event.target.value) { insertCanned(event.target.value); }
    event.target.value = "";
  });

  $("note-mode").addEventListener("change", function (event) {
    $("composer").classList.toggle("noting", event.target.checked);
    $("reply").placeholder = event.target.checked ? "Internal note — the customer never sees it" : "Reply to the customer… (Ctrl+Enter to send)";
    updateSendAllowed();
  });

  $("end-button").addEventListener("click", function () {
    var view = state.interactions[state.active];
    if (view) { request("end", { interaction_id: view.id }); }
  });

  $("wrap-up").addEventListener("submit", function (event) {
    event.preventDefault();
    var view = state.interactions[state.active];
    if (!view) { return; }
    request("wrap_up", { interaction_id: view.id, disposition: $("disposition").value,
                         notes: $("wrap-notes").value, follow_up_on: $("follow-up").value,
                         call_back_at: $("call-back").value },
            function (error) {
              if (!error) { $("wrap-notes").value = ""; $("follow-up").value = ""; $("call-back").value = ""; }
            });
  });

  $("customer-note-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var view = state.interactions[state.active];
    var text = $("customer-note").value.trim();
    if (!view || !text) { return; }
    request("customer_note", { customer_id: view.customer.id, text: text }, function (error) {
      if (!error) {
        $("customer-note").value = "";
        view.customer.notes.unshift({ text: text, author_name: me.name, at: new Date().toISOString() });
        renderCustomer(view.customer);
      }
    });
  });

  // Transfer dialog
  function openTransfer() {
    var view = state.interactions[state.active];
    if (!view || view.state !== "active") { return; }
    var queues = $("transfer-queue");
    queues.textContent = "";
    state.queues.filter(function (q) { return q.channels.indexOf(view.channel) >= 0; }).forEach(function (q) {
      var option = el("option", "", q.name);
      option.value = q.id;
      queues.appendChild(option);
    });
    renderColleagues();
    $("transfer-dialog").showModal();
    // What the page knew is shown at once, then each colleague's presence as it is now.
    request("colleagues", {}, function (error, frame) {
      if (!error) { state.agents = frame.agents; renderColleagues(); }
    });
  }
  function renderColleagues() {
    var agents = $("transfer-agent");
    var chosen = agents.value;
    agents.textContent = "";
    state.agents.filter(function (a) { return a.id !== me.id; }).forEach(function (a) {
      var option = el("option", "", a.name + " (" + a.presence + ")");
      option.value = a.id;
      agents.appendChild(option);
    });
    if (chosen) { agents.value = chosen; }
  }
  $("transfer-button").addEventListener("click", openTransfer);
  $("transfer-cancel").addEventListener("click", function () { $("transfer-dialog").close(); });
  $("transfer-form").addEventListener("submit", function () {
    var view = state.interactions[state.active];
    var kind = $("transfer-form").elements.kind.value;
    var fields = { interaction_id: view.id, kind: kind, note: $("transfer-note").value };
    if (kind === "queue") { fields.queue_id = Number($("transfer-queue").value); }
    if (kind === "agent") { fields.agent_id = Number($("transfer-agent").value); }
    if (view.channel === "voice") { transferCall(view, fields); return; }
    request("transfer", fields, function (error) { if (!error) { $("transfer-note").value = ""; } });
  });

  // A call is transferred by its call control: the caller's audio moves too (docs/voice.md).
  function transferCall(view, fields) {
    fetch("/channels/voice/calls/" + encodeURIComponent(view.id) + "/transfer/", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": $("csrf").value },
      body: JSON.stringify({ kind: fields.kind, to_queue_id: fields.queue_id || null,
                             to_agent_id: fields.agent_id || null, note: fields.note })
    }).then(function (r) { return r.json(); }).then(function (reply) {
      if (reply.error) { toast(reply.error); return; }
      $("transfer-note").value = "";
    });
  }

  $("help-button").addEventListener("click", function () { $("help-dialog").showModal(); });

  // Keyboard shortcuts
  document.addEventListener("keydown", function (event) {
    var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName);
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter" && document.activeElement === $("reply")) {
      event.preventDefault();
      $("composer").requestSubmit();
      return;
    }
    if (event.key === "?" && !typing) { $("help-dialog").showModal(); return; }
    if (!event.altKey) { return; }
    var key = event.key.toLowerCase();
    var first = offers()[0];
    var view = state.interactions[state.active];
    if (key === "a" && first) { event.preventDefault(); acceptOffer(first); }
    else if (key === "r" && first) { event.preventDefault(); rejectOffer(first); }
    else if (key === "n") { event.preventDefault(); $("note-mode").click(); }
    else if (key === "t") { event.preventDefault(); openTransfer(); }
    else if (key === "e" && view) { event.preventDefault(); request("end", { interaction_id: view.id }); }
    else if (key === "w" && view && view.state === "wrap_up") { event.preventDefault(); $("wrap-up").requestSubmit(); }
    else if (/^[1-9]$/.test(key)) {
      var target = held()[Number(key) - 1];
      if (target) { event.preventDefault(); choose(target.id); }
    }
  });

  window.Console = {
    state: state,
    me: function () { return me; },
    request: request,
    toast: toast,
    renderMessage: renderMessage,
    insertCanned: insertCanned,
    offers: offers,
    show: choose,
    // Ask the server for a conversation now held (one started from the inbox, say).
    take: function (id) {
      var asked = ++chosen;
      request("open", { interaction_id: id }, function () {
        if (asked === chosen) { state.active = id; renderAll(); }
      });
    },
    on: function (name, fn) { (hooks[name] = hooks[name] || []).push(fn); },
    emit: emit
  };

  connect();
})();
