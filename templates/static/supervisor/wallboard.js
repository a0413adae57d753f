/* The wallboard: the server pushes whole boards (coalesced, only when they change); this
   page draws them, ticks the clocks between pushes, and sends monitoring requests.
   Everything is written with textContent. Protocol: docs/websocket-protocol.md. */
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var awayReasons = JSON.parse($("away-reasons").textContent);
  var directory = JSON.parse($("agent-directory").textContent);
  var socket = null;
  var backoff = 1000;
  var refs = 0;
  var pending = {};
  var board = null;
  var monitoring = null;  // {id, version, messages}

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + "/ws/supervisor/");
    socket.onopen = function () { backoff = 1000; $("connection").textContent = "live"; };
    socket.onclose = function (event) {
      $("connection").textContent = "reconnecting…";
      if (event.code === 4403) { $("connection").textContent = "supervisors only"; return; }
      setTimeout(connect, backoff);
      backoff = Math.min(backoff * 2, 15000);
    };
    socket.onmessage = function (event) { receive(JSON.parse(event.data)); };
  }

  function request(type, fields, callback) {
    var ref = "r" + (++refs);
    if (callback) { pending[ref] = callback; }
    socket.send(JSON.stringify(Object.assign({ type: type, ref: ref }, fields)));
  }

  function receive(frame) {
    if (frame.type === "board") { board = frame; draw(); return; }
    if (frame.type === "ack" || frame.type === "error") {
      var callback = pending[frame.ref];
      delete pending[frame.ref];
      if (frame.type === "error") { notify(frame.reason); }
      if (callback) { callback(frame.type === "error" ? frame.reason : null, frame); }
      return;
    }
    if (frame.type === "event" && monitoring && frame.data.interaction_id === monitoring.id) {
      if (frame.version <= monitoring.version) { return; }  // already in the view we hold
      if (frame.version !== monitoring.version + 1) {
        request("monitor", { interaction_id: monitoring.id }, showMonitored);
        return;
      }
      monitoring.version = frame.version;
      var d = frame.data;
      if (frame.event === "MessageReceived" || frame.event === "MessageSent" || frame.event === "InternalNoteAdded") {
        monitoring.messages.push({ kind: frame.event === "MessageReceived" ? "inbound" : frame.event === "MessageSent" ? "outbound" : "note",
                                   author_name: d.author_name || d.sender_name || d.sender || d.author, text: d.text });
        drawTranscript();
      }
    }
  }

  // An inline notice, never a dialog: the latest condition replaces the one before, the same
  // one repeated only restarts its clock.
  function notify(text) {
    var box = $("notice");
    box.textContent = text;
    box.hidden = false;
    clearTimeout(notify.timer);
    notify.timer = setTimeout(function () { box.hidden = true; }, 6000);
  }

  // -- drawing -------------------------------------------------------------------------------
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }
  function row(cells, className) {
    var tr = el("tr", className || "");
    cells.forEach(function (cell) {
      var td = el("td");
      if (cell instanceof Node) { td.appendChild(cell); } else { td.textContent = cell; }
      tr.appendChild(td);
    });
    return tr;
  }
  function ago(iso) {
    if (!iso) { return "—"; }
    var seconds = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
    if (seconds < 60) { return seconds + " s"; }
    if (seconds < 3600) { return Math.floor(seconds / 60) + " min " + (seconds % 60) + " s"; }
    return Math.floor(seconds / 3600) + " h " + Math.floor((seconds % 3600) / 60) + " min";
  }
  function percent(value) { return value === null || value === undefined ? "—" : Math.round(value * 100) + "%"; }

  function draw() {
    $("updated").textContent = new Date(board.at).toLocaleTimeString();
    var alerts = $("alerts");
    alerts.textContent = "";
    board.alerts.forEach(function (a) { alerts.appendChild(el("p", "alert " + a.kind, a.message)); });

    var queues = $("queues").tBodies[0];
    queues.textContent = "";
    board.queues.forEach(function (q) {
      var sl = el("span", "sl " + q.colour, percent(q.service_level) + " / " + q.target_percent + "% in " + q.threshold_seconds + " s");
      var tr = row([q.name + (q.open ? "" : " (closed)"), String(q.waiting), "", sl,
                    q.asa_seconds === null ? "—" : Math.round(q.asa_seconds) + " s",
                    String(q.offered), String(q.answered), String(q.abandoned),
                    String(q.agents.available), String(q.agents.busy), String(q.agents.wrap_up),
                    String(q.agents.away) + (q.agents.disconnected ? " + " + q.agents.disconnected + " disconnected" : "")],
                   "queue " + q.colour);
      tr.dataset.queue = q.id;
      tr.cells[2].dataset.since = q.longest_wait_since || "";
      queues.appendChild(tr);
    });

    keepRows($("agents").tBodies[0], board.agents, function (a) {
      var work = el("ul", "plain");
      a.work.forEach(function (w) {
        var item = el("li", "");
        var link = el("a", "", w.channel + " · " + w.stage + " · ");
        link.href = "#";
        link.dataset.interaction = w.interaction_id;
        link.addEventListener("click", function (event) { event.preventDefault(); monitor(w.interaction_id); });
        item.appendChild(link);
        var age = el("span", "age", "");
        age.dataset.since = w.since || "";
        item.appendChild(age);
        work.appendChild(item);
      });
      var select = el("select", "");
      select.setAttribute("aria-label", "Set " + a.name + "'s presence");
      [["", "…"], ["available:", "Available"], ["offline:", "Offline"]].concat(
        awayReasons.map(function (r) { return ["away:" + r.code, "Away — " + r.label]; })
      ).forEach(function (o) { var option = el("option", "", o[1]); option.value = o[0]; select.appendChild(option); });
      select.addEventListener("change", function () {
        if (!select.value) { return; }
        var parts = select.value.split(":");
        request("force_presence", { agent_id: a.id, presence: parts[0], reason: parts[1] || "" });
      });
      var state = el("span", "state " + a.state, a.state.replace("_", "-") + (a.away_reason ? " (" + a.away_reason + ")" : ""));
      var since = el("span", "age", "");
      since.dataset.since = a.since || "";
      // real-time adherence against the published schedule (wfm): "—" when not scheduled
      var adh = a.adherence;
      var adherence = el("span", "adherence " + (adh ? (adh.in_adherence ? "in" : "out") : "none"),
        !adh ? "—" : (adh.in_adherence ? "in" : "out") + " (" + adh.scheduled + ")");
      return row([a.name, state, since, work, String(a.missed_today), adherence, select]);
    });

    var followUps = $("follow-ups").tBodies[0];
    followUps.textContent = "";
    var planned = board.follow_ups || { scheduled: 0, today: [] };
    $("follow-ups-scheduled").textContent = "(" + planned.scheduled + " scheduled in all)";
    planned.today.forEach(function (f) {
      followUps.appendChild(row([new Date(f.due_at).toLocaleTimeString(), f.agent, f.customer || "—", f.channel,
                                 f.state === "due" ? "due: " + f.conversation_state.replace("_", "-") :
                                 (f.overdue ? "overdue" : "scheduled")]));
    });
    if (!planned.today.length) { followUps.appendChild(row(["—", "", "", "", "none today"])); }

    keepRows($("waiting").tBodies[0], board.waiting, function (w) {
      var select = el("select", "");
      select.setAttribute("aria-label", "Assign to an agent");
      select.appendChild(el("option", "", "…")).value = "";
      directory.forEach(function (a) { var option = el("option", "", a.name); option.value = a.id; select.appendChild(option); });
      select.addEventListener("change", function () {
        if (select.value) { request("assign", { interaction_id: w.id, agent_id: Number(select.value) }); }
      });
      var since = el("span", "age", "");
      since.dataset.since = w.first_queued_at || "";
      var preview = el("a", "", w.last_message_preview || "(no message)");
      preview.href = "#";
      preview.addEventListener("click", function (event) { event.preventDefault(); monitor(w.id); });
      return row([w.queue, w.channel, since, preview, select]);
    });
    tick();
  }

  // The rows with a supervisor's controls (a link to monitor, a menu to set presence or assign)
  // stay in place while what they show is unchanged: a row drawn anew under the pointer
  // swallowed the click on it, and closed a menu the supervisor had open, whenever the board
  // changed elsewhere.
  function keepRows(body, items, build) {
    var kept = {};
    Array.prototype.forEach.call(body.rows, function (tr) { kept[tr.dataset.signature] = tr; });
    var rows = items.map(function (item) {
      var signature = JSON.stringify(item);
      var tr = kept[signature];
      delete kept[signature];
      if (!tr) { tr = build(item); tr.dataset.signature = signature; }
      return tr;
    });
    rows.forEach(function (tr, i) {
      if (body.rows[i] !== tr) { body.insertBefore(tr, body.rows[i] || null); }
    });
    while (body.rows.length > rows.length) { body.deleteRow(rows.length); }
  }

  function tick() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-since]"), function (node) {
      node.textContent = ago(node.dataset.since);
    });
  }
  setInterval(tick, 1000);

  // -- monitoring ----------------------------------------------------------------------------
  function monitor(interactionId) {
    request("monitor", { interaction_id: interactionId }, function (error, frame) {
      if (!error) { showMonitored(null, frame); }
    });
  }
  function showMonitored(error, frame) {
    if (error) { return; }
    var view = frame.interaction;
    monitoring = { id: view.id, version: view.version, state: view.state, barged: !!frame.barged,
                   messages: view.messages.map(function (m) { return { kind: m.kind, author_name: m.author_name || m.author, text: m.text }; }) };
    $("monitor").hidden = false;
    $("monitor-title").textContent = "Monitoring: " + (view.customer.name || "customer") + " · " + view.channel + " · " + view.state;
    document.dispatchEvent(new CustomEvent("wallboard:monitor", { detail: { id: view.id, channel: view.channel, state: view.state } }));
    showBarged();
    drawTranscript();
  }
  function drawTranscript() {
    var list = $("monitor-transcript");
    list.textContent = "";
    monitoring.messages.forEach(function (m) {
      var item = el("li", "entry " + m.kind);
      item.appendChild(el("strong", "", m.author_name || ""));
      item.appendChild(el("p", "", m.text));
      list.appendChild(item);
    });
    list.scrollTop = list.scrollHeight;
  }
  $("stop-monitoring").addEventListener("click", function () {
    request("stop_monitoring", {});
    monitoring = null;
    $("monitor").hidden = true;
  });
  // Whether this supervisor has joined comes from the server with every view, so a refresh
  // of the view (after a gap) never hides the box to talk to the customer.
  function showBarged() {
    $("say-form").hidden = !monitoring.barged;
    $("barge").disabled = monitoring.barged || monitoring.state !== "active";
  }
  $("barge").addEventListener("click", function () {
    var id = monitoring.id;
    request("barge", { interaction_id: id }, function (error) {
      if (!error && monitoring && monitoring.id === id) { monitoring.barged = true; showBarged(); }
    });
  });
  $("whisper-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var text = $("whisper").value.trim();
    if (!text || !monitoring) { return; }
    request("whisper", { interaction_id: monitoring.id, text: text }, function (error) { if (!error) { $("whisper").value = ""; } });
  });
  $("say-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var text = $("say").value.trim();
    if (!text || !monitoring) { return; }
    request("say", { interaction_id: monitoring.id, text: text, client_message_id: "s" + Date.now() },
            function (error) { if (!error) { $("say").value = ""; } });
  });

  connect();
})();
