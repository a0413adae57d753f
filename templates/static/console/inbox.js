/* The inbox (docs/inbox.md): views Mine / Waiting in my queues / All (supervisors) / Closed,
   filters, order by waiting time or SLA breach, unread counts per conversation and per view,
   keyboard navigation (Alt+I, arrows or j/k, Enter, Escape), and a reader for any
   conversation one may open: a closed one shows its whole transcript and takes a follow-up
   on the customer's channel. Hooks into console.js through window.Console. */
(function () {
  "use strict";
  var C = window.Console;
  if (!C) { return; }
  var $ = function (id) { return document.getElementById(id); };
  var NAMES = { mine: "Mine", queues: "Waiting in my queues", all: "All", closed: "Closed" };
  var inbox = { view: "mine", views: ["mine", "queues", "closed"], unread: {}, items: [], focus: 0 };
  var reading = null;   // the conversation open in the reader
  var refreshTimer = null;
  var readTimer = null;
  var markedActive = null;  // "id state" of the conversation last marked read on opening

  function api(method, url, body) { return C.api(method, url, body); }

  // -- the list -----------------------------------------------------------------------------
  function query() {
    var form = $("inbox-filters");
    var params = new URLSearchParams({ view: inbox.view });
    Array.prototype.forEach.call(form.elements, function (field) {
      if (field.name && field.value) { params.set(field.name, field.value); }
    });
    return params.toString();
  }

  var asked = 0;  // the latest list asked for: an older answer arriving late is dropped
  function refresh() {
    clearTimeout(refreshTimer);
    var mine = ++asked;
    return api("GET", "/console/inbox/?" + query()).then(function (data) {
      if (mine !== asked) { return; }
      inbox.views = data.views;
      inbox.unread = data.unread;
      inbox.inHandUnread = data.in_hand_unread || 0;
      inbox.items = data.items;
      inbox.focus = Math.min(inbox.focus, Math.max(0, data.items.length - 1));
      renderViews();
      renderList();
      C.emit("unread");
    }).catch(function (e) { C.toast(e.message); });
  }
  function refreshSoon() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(refresh, 400);
  }
  setInterval(refresh, 15000);

  function renderViews() {
    var box = $("inbox-views");
    box.textContent = "";
    inbox.views.forEach(function (view) {
      var button = document.createElement("button");
      button.type = "button";
      button.id = "inbox-view-" + view;
      button.setAttribute("role", "tab");
      button.setAttribute("aria-selected", view === inbox.view ? "true" : "false");
      button.dataset.view = view;
      button.textContent = NAMES[view];
      var count = inbox.unread[view] || 0;
      if (count) {
        var badge = document.createElement("span");
        badge.className = "badge";
        badge.textContent = count;
        badge.setAttribute("aria-label", count + " unread");
        button.appendChild(badge);
      }
      button.addEventListener("click", function () { inbox.view = view; inbox.focus = 0; refresh(); });
      box.appendChild(button);
    });
  }

  function waited(seconds) {
    if (seconds === null || seconds === undefined) { return ""; }
    if (seconds < 60) { return seconds + " s"; }
    if (seconds < 3600) { return Math.floor(seconds / 60) + " min"; }
    return Math.floor(seconds / 3600) + " h " + Math.floor((seconds % 3600) / 60) + " min";
  }

  function renderList() {
    var list = $("inbox-list");
    var hadFocus = list.contains(document.activeElement);
    list.textContent = "";
    if (!inbox.items.length) {
      var none = document.createElement("li");
      none.className = "empty";
      none.textContent = "No conversations here.";
      list.appendChild(none);
      list.removeAttribute("aria-activedescendant");
      return;
    }
    inbox.items.forEach(function (item, index) {
      var row = document.createElement("li");
      row.className = "inbox-item" + (item.unread ? " unread" : "");
      row.id = "inbox-item-" + item.id;
      row.dataset.interaction = item.id;
      row.setAttribute("role", "option");
      row.setAttribute("aria-selected", index === inbox.focus ? "true" : "false");
      var line = document.createElement("span");
      var head = document.createElement("strong");
      head.textContent = (item.customer.name || "A customer") + " · " + item.channel;
      line.appendChild(head);
      row.appendChild(line);
      if (item.unread) {
        var badge = document.createElement("span");
        badge.className = "badge";
        badge.textContent = item.unread;
        badge.setAttribute("aria-label", item.unread + " unread");
        line.appendChild(badge);
      }
      var meta = document.createElement("span");
      meta.className = "meta";
      meta.textContent = [item.queue ? item.queue.name : "", item.state.replace("_", "-"),
                          item.waiting_seconds !== null ? "waiting " + waited(item.waiting_seconds) : ""]
        .filter(Boolean).join(" · ");
      row.appendChild(meta);
      if (item.sla_breached) {
        var breach = document.createElement("span");
        breach.className = "breach";
        breach.textContent = "SLA breached";
        row.appendChild(breach);
      }
      if (item.labels && item.labels.length) {
        var tags = document.createElement("span");
        tags.className = "meta item-labels";
        tags.textContent = item.labels.join(", ");
        tags.setAttribute("aria-label", "Labels: " + item.labels.join(", "));
        row.appendChild(tags);
      }
      var preview = document.createElement("span");
      preview.className = "meta preview";
      preview.textContent = item.subject || item.preview || "";
      row.appendChild(preview);
      row.addEventListener("click", function () { inbox.focus = index; openItem(item); });
      list.appendChild(row);
    });
    list.setAttribute("aria-activedescendant", "inbox-item-" + inbox.items[inbox.focus].id);
    if (hadFocus) { list.focus(); }
  }

  function moveFocus(step) {
    if (!inbox.items.length) { return; }
    inbox.focus = Math.max(0, Math.min(inbox.items.length - 1, inbox.focus + step));
    renderList();
    var row = $("inbox-item-" + inbox.items[inbox.focus].id);
    if (row) { row.scrollIntoView({ block: "nearest" }); }
  }

  $("inbox-list").addEventListener("keydown", function (event) {
    var key = event.key;
    if (key === "ArrowDown" || key === "j") { event.preventDefault(); moveFocus(1); }
    else if (key === "ArrowUp" || key === "k") { event.preventDefault(); moveFocus(-1); }
    else if (key === "Home") { event.preventDefault(); moveFocus(-inbox.items.length); }
    else if (key === "End") { event.preventDefault(); moveFocus(inbox.items.length); }
    else if (key === "Enter" && inbox.items[inbox.focus]) { event.preventDefault(); openItem(inbox.items[inbox.focus]); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.altKey && event.key.toLowerCase() === "i") { event.preventDefault(); $("inbox-list").focus(); }
    else if (event.key === "Escape" && reading && !document.querySelector("dialog[open]")) { closeReader(); }
  });
  $("inbox-filters").addEventListener("change", function () { inbox.focus = 0; refresh(); });

  function fillFilters() {
    var state = C.state;
    var channels = {};
    state.queues.forEach(function (q) { q.channels.forEach(function (c) { channels[c] = 1; }); });
    fillSelect($("inbox-channel"), Object.keys(channels).sort().map(function (c) { return [c, c]; }));
    fillSelect($("inbox-queue"), state.queues.map(function (q) { return [q.id, q.name]; }));
  }
  function fillSelect(select, options) {
    var chosen = select.value;
    while (select.options.length > 1) { select.remove(1); }
    options.forEach(function (o) {
      var option = document.createElement("option");
      option.value = o[0];
      option.textContent = o[1];
      select.appendChild(option);
    });
    select.value = chosen;
  }

  // -- the reader ---------------------------------------------------------------------------
  function openItem(item) {
    var held = C.state.interactions[item.id];
    if (held && held.state !== "offered") { closeReader(); C.show(item.id); return; }
    openReader(item.id);
  }

  function openReader(id) {
    return api("GET", "/console/inbox/conversations/" + encodeURIComponent(id) + "/").then(function (data) {
      reading = data.interaction;
      renderReader();
      $("conversation").classList.add("reading");
      $("inbox-reader").hidden = false;
      if (seeing()) { markRead(id, lastShown(reading)); }
    }).catch(function (e) { C.toast(e.message); });
  }

  function renderReader() {
    var view = reading;
    $("reader-title").textContent = (view.customer.name || "Customer") + (view.subject ? " — " + view.subject : "");
    $("reader-meta").textContent = [view.channel, view.queue ? view.queue.name : "", view.state.replace("_", "-")]
      .filter(Boolean).join(" · ");
    var transcript = $("reader-transcript");
    transcript.textContent = "";
    view.messages.forEach(function (message) { transcript.appendChild(C.renderMessage(message)); });
    var ended = view.state === "closed" || view.state === "abandoned";
    $("reader-follow-up").hidden = !ended;
    $("follow-up-channel").textContent = view.channel;
    $("reader-take").hidden = !(view.agent_id === C.me().id && (view.state === "active" || view.state === "wrap_up"));
  }

  function closeReader() {
    reading = null;
    $("inbox-reader").hidden = true;
    $("conversation").classList.remove("reading");
  }
  $("reader-close").addEventListener("click", closeReader);
  $("reader-take").addEventListener("click", function () {
    var id = reading.id;
    closeReader();
    C.show(id);
  });
  $("tabs").addEventListener("click", closeReader);

  $("reader-follow-up").addEventListener("submit", function (event) {
    event.preventDefault();
    var text = $("follow-up-text").value.trim();
    if (!reading || !text) { return; }
    api("POST", "/console/inbox/conversations/" + encodeURIComponent(reading.id) + "/follow-up/", { text: text })
      .then(function (data) {
        $("follow-up-text").value = "";
        closeReader();
        C.take(data.interaction_id);
        refreshSoon();
      }).catch(function (e) { C.toast(e.message); });
  });

  // -- search -------------------------------------------------------------------------------
  var searchTimer = null;
  var found = [];
  var KINDS = { message: "message", note: "note", customer: "customer", customer_note: "customer note" };
  $("search").addEventListener("input", function () {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(runSearch, 250);
  });
  $("search-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var first = found.filter(function (r) { return r.interaction_id; })[0];
    if (first) { openItem({ id: first.interaction_id }); }
  });
  function runSearch() {
    var text = $("search").value.trim();
    var results = $("search-results");
    $("inbox-list").hidden = !!text;
    results.hidden = !text;
    if (!text) { found = []; return; }
    api("GET", "/console/search/?q=" + encodeURIComponent(text)).then(function (data) {
      if ($("search").value.trim() !== text) { return; }
      found = data.results;
      results.textContent = "";
      if (!found.length) {
        var none = document.createElement("li");
        none.className = "empty";
        none.textContent = "Nothing found.";
        results.appendChild(none);
      }
      found.forEach(function (r) {
        var row = document.createElement("li");
        row.className = "inbox-item search-result";
        var head = document.createElement("strong");
        head.textContent = (r.customer.name || "A customer") + (r.channel ? " · " + r.channel : "");
        var kind = document.createElement("span");
        kind.className = "meta";
        kind.textContent = KINDS[r.kind] + (r.title && r.kind !== "customer" ? " · " + r.title : "") +
                           " · " + new Date(r.at).toLocaleDateString();
        var snippet = document.createElement("span");
        snippet.className = "snippet";
        snippet.textContent = r.snippet;
        row.appendChild(head);
        row.appendChild(kind);
        row.appendChild(snippet);
        if (r.interaction_id) {
          row.tabIndex = 0;
          row.addEventListener("click", function () { openItem({ id: r.interaction_id }); });
          row.addEventListener("keydown", function (event) {
            if (event.key === "Enter") { openItem({ id: r.interaction_id }); }
          });
        }
        results.appendChild(row);
      });
    }).catch(function (e) { C.toast(e.message); });
  }

  // -- read markers ---------------------------------------------------------------------------
  // Read up to the last message shown: for the agent handling it, the server turns that into
  // the customer's read receipt (once per message newly seen, however often this is said).
  function markRead(id, upTo) {
    var body = upTo ? { message_id: upTo } : {};
    return api("POST", "/console/inbox/conversations/" + encodeURIComponent(id) + "/read/", body)
      .then(refreshSoon).catch(function () {});
  }
  function lastShown(view) {
    var messages = (view && view.messages) || [];
    return messages.length ? messages[messages.length - 1].id : "";
  }
  // The agent sees the conversation the console shows while its page is visible (not a
  // background tab, not a minimised window).
  function seeing() { return document.visibilityState === "visible"; }
  function markActive() {
    var active = C.state.interactions[C.state.active];
    if (active && !reading && seeing()) {
      markedActive = active.id + " " + active.state;
      markRead(active.id, lastShown(active));
    }
  }
  // What the agent has open and sees is read: on opening it, and as messages arrive while
  // the page is visible.
  var heldKey = "";
  C.on("render", function (state) {
    var key = Object.keys(state.interactions).sort().map(function (id) { return id + state.interactions[id].state; }).join();
    if (key !== heldKey) { heldKey = key; refreshSoon(); }
    if (!fillFilters.done && state.queues.length) { fillFilters(); fillFilters.done = true; }
    var active = state.interactions[state.active];
    // Opened, or turned from an offer into the agent's own: read as it shows now.
    var shown = active && !reading ? active.id + " " + active.state : null;
    if (shown && shown !== markedActive) { markActive(); }
    if (!shown) { markedActive = null; }
  });
  C.on("event", function (frame) {
    var id = frame.data && frame.data.interaction_id;
    if (frame.event === "MessageReceived" && id === C.state.active && !reading && seeing()) {
      clearTimeout(readTimer);
      readTimer = setTimeout(markActive, 300);
    } else {
      refreshSoon();
    }
  });
  document.addEventListener("visibilitychange", markActive);
  C.inbox = { refresh: refresh, open: openReader,
              unreadInHand: function () { return inbox.inHandUnread || 0; } };

  refresh();
})();
