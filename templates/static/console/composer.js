/* The composer's daily comforts (docs/inbox.md): Enter sends and Shift+Enter adds a line, or
   the reverse (a per-agent setting kept on the server); drafts saved on the server per
   conversation, so they survive a reload and follow the agent to another device; an emoji
   picker; searchable canned responses; and a warning before a message would be cut by its
   channel's length limit. Hooks into console.js through window.Console. */
(function () {
  "use strict";
  var C = window.Console;
  if (!C) { return; }
  var $ = function (id) { return document.getElementById(id); };
  var reply = $("reply");
  var csrf = $("csrf").value;
  var prefs = { enter_sends: true, limits: {}, message_max_chars: 40000 };
  var shownFor = null;     // the conversation whose draft the box holds
  var saveTimer = null;
  var saving = Promise.resolve();

  function api(method, url, body) {
    var options = { method: method, credentials: "same-origin",
                    headers: { "X-CSRFToken": csrf, "Content-Type": "application/json" } };
    if (body !== undefined) { options.body = JSON.stringify(body); }
    return fetch(url, options).then(function (r) {
      return r.json().then(function (data) {
        if (!r.ok) { throw new Error(data.error || r.statusText); }
        return data;
      });
    });
  }
  C.api = api;

  // -- settings ---------------------------------------------------------------------------
  function loadSettings() {
    return api("GET", "/console/inbox/settings/").then(function (data) {
      prefs = data;
      C.prefs = data;
      $("enter-sends").checked = data.enter_sends;
      updateHint();
      checkLength();
      (C.settingsLoaded || []).forEach(function (fn) { fn(data); });
    }).catch(function () { /* the defaults stand */ });
  }
  C.saveSettings = function (changes) {
    return api("POST", "/console/inbox/settings/", changes).then(function (data) {
      prefs = data; C.prefs = data; return data;
    }).catch(function (e) { C.toast(e.message); });
  };
  $("enter-sends").addEventListener("change", function (event) {
    C.saveSettings({ enter_sends: event.target.checked }).then(updateHint);
  });
  function updateHint() {
    if ($("note-mode").checked) { return; }
    reply.placeholder = "Reply to the customer… (" +
      (prefs.enter_sends ? "Enter to send, Shift+Enter for a new line" : "Shift+Enter to send") + ")";
  }
  $("note-mode").addEventListener("change", function () { updateHint(); checkLength(); });

  // Enter or Shift+Enter sends, whichever the agent chose; the other adds a line. Ctrl+Enter
  // always sends (console.js). Text being composed by an input method is left alone.
  reply.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.isComposing || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var sends = prefs.enter_sends ? !event.shiftKey : event.shiftKey;
    if (sends) {
      event.preventDefault();
      $("composer").requestSubmit();
    }
  });

  // -- drafts -----------------------------------------------------------------------------
  function draftUrl(id) { return "/console/inbox/conversations/" + encodeURIComponent(id) + "/draft/"; }
  // Saves go one after another, so a cleared draft is never overwritten by an older save.
  function saveDraft(id, text) {
    clearTimeout(saveTimer);
    saving = saving.then(function () {
      return api("PUT", draftUrl(id), { text: text }).catch(function () {});
    });
    return saving;
  }
  reply.addEventListener("input", function () {
    var id = shownFor;
    if (!id) { return; }
    clearTimeout(saveTimer);
    saveTimer = setTimeout(function () { saveDraft(id, reply.value); }, 400);
    checkLength();
  });
  C.on("input", function (id) { if (id === shownFor) { saveDraft(id, reply.value); checkLength(); } });
  C.on("sent", function (sent) {
    saveDraft(sent.interaction_id, "");  // what was in the box went out (a reply or a note)
    checkLength();
  });
  C.on("render", function (state) {
    var view = state.interactions[state.active];
    var id = view && view.state === "active" ? view.id : null;
    if (id === shownFor) { checkLength(); return; }
    if (shownFor && saveTimer) { saveDraft(shownFor, reply.value); }
    shownFor = id;
    reply.value = "";
    checkLength();
    if (!id) { return; }
    saving.then(function () { return api("GET", draftUrl(id)); }).then(function (data) {
      if (shownFor === id && !reply.value) { reply.value = data.text; checkLength(); }
    }).catch(function () {});
  });
  window.addEventListener("pagehide", function () {
    if (shownFor && saveTimer) {
      fetch(draftUrl(shownFor), { method: "PUT", keepalive: true, credentials: "same-origin",
        headers: { "X-CSRFToken": csrf, "Content-Type": "application/json" },
        body: JSON.stringify({ text: reply.value }) });
    }
  });

  // -- a warning before a message would be cut ---------------------------------------------
  function checkLength() {
    var box = $("length-warning");
    var view = C.state.interactions[C.state.active];
    var noting = $("note-mode").checked;
    var limit = !view ? null : noting ? prefs.note_max_chars : (prefs.limits[view.channel] || prefs.message_max_chars);
    var length = reply.value.length;
    if (!limit || length < limit * 0.9) { box.hidden = true; box.textContent = ""; return; }
    box.hidden = false;
    var where = noting ? "a note" : view.channel;
    if (length > limit) {
      box.className = "length-warning over";
      box.textContent = (length - limit).toLocaleString() + " characters over the limit for " + where +
        " (" + limit.toLocaleString() + "): the message would be cut. Shorten it before sending.";
    } else {
      box.className = "length-warning near";
      box.textContent = length.toLocaleString() + " of " + limit.toLocaleString() + " characters for " + where + ".";
    }
  }

  // -- emoji --------------------------------------------------------------------------------
  var EMOJI = [
    ["😀", "grinning"], ["😊", "smiling"], ["🙂", "slightly smiling"], ["😉", "winking"],
    ["😅", "sweat smile"], ["😂", "tears of joy"], ["🙏", "thank you"], ["👍", "thumbs up"],
    ["👎", "thumbs down"], ["👋", "waving hand"], ["👏", "clapping"], ["🎉", "party"],
    ["❤️", "heart"], ["✅", "check mark"], ["❌", "cross mark"], ["⚠️", "warning"],
    ["⏳", "hourglass"], ["📦", "package"], ["📧", "e-mail"], ["📞", "telephone"],
    ["💳", "credit card"], ["🔒", "lock"], ["🤔", "thinking"], ["😔", "pensive"],
    ["😢", "crying"], ["😮", "surprised"], ["🚀", "rocket"], ["⭐", "star"],
    ["☀️", "sun"], ["🌧️", "rain"], ["☕", "coffee"], ["🎁", "gift"]
  ];
  var picker = $("emoji-picker");
  var emojiButton = $("emoji-button");
  EMOJI.forEach(function (pair) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "emoji";
    button.textContent = pair[0];
    button.setAttribute("aria-label", pair[1]);
    button.title = pair[1];
    button.addEventListener("click", function () { insertAtCursor(pair[0]); togglePicker(false); });
    picker.appendChild(button);
  });
  function togglePicker(open) {
    picker.hidden = !open;
    emojiButton.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) { picker.querySelector("button").focus(); }
  }
  emojiButton.addEventListener("click", function () { togglePicker(picker.hidden); });
  picker.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { event.preventDefault(); togglePicker(false); emojiButton.focus(); }
  });
  function insertAtCursor(text) {
    var start = reply.selectionStart, end = reply.selectionEnd;
    reply.value = reply.value.slice(0, start) + text + reply.value.slice(end);
    reply.selectionStart = reply.selectionEnd = start + text.length;
    reply.focus();
    reply.dispatchEvent(new Event("input", { bubbles: true }));
  }

  // -- canned responses, searched -------------------------------------------------------------
  var search = $("canned-search");
  var results = $("canned-results");
  var searchTimer = null;
  var found = [];
  var chosen = -1;
  search.addEventListener("input", function () {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(runSearch, 150);
  });
  search.addEventListener("focus", runSearch);
  // Answers can arrive out of order (the search on focus, then the typed one): only the
  // newest search's answer is shown.
  var searches = 0;
  function runSearch() {
    var view = C.state.interactions[C.state.active];
    var url = "/console/inbox/canned/?q=" + encodeURIComponent(search.value) +
              (view ? "&interaction=" + encodeURIComponent(view.id) : "");
    var asked = ++searches;
    api("GET", url).then(function (data) {
      if (asked !== searches) { return; }
      found = data.canned; chosen = found.length ? 0 : -1; showResults();
    }).catch(function () {});
  }
  function showResults() {
    results.textContent = "";
    found.forEach(function (c, index) {
      var item = document.createElement("li");
      item.setAttribute("role", "option");
      item.id = "canned-option-" + c.id;
      item.setAttribute("aria-selected", index === chosen ? "true" : "false");
      var title = document.createElement("strong");
      title.textContent = c.title + (c.shortcut ? " /" + c.shortcut : "");
      var preview = document.createElement("span");
      preview.className = "meta";
      preview.textContent = c.preview;
      item.appendChild(title);
      item.appendChild(preview);
      item.addEventListener("mousedown", function (event) { event.preventDefault(); pick(c); });
      results.appendChild(item);
    });
    if (!found.length && search.value) {
      var none = document.createElement("li");
      none.className = "empty";
      none.textContent = "No canned response matches.";
      results.appendChild(none);
    }
    results.hidden = !results.childNodes.length;
    search.setAttribute("aria-expanded", results.hidden ? "false" : "true");
    if (chosen >= 0 && found[chosen]) { search.setAttribute("aria-activedescendant", "canned-option-" + found[chosen].id); }
  }
  function pick(c) {
    C.insertCanned(c.id);
    search.value = "";
    results.hidden = true;
  }
  search.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!found.length) { return; }
      chosen = (chosen + (event.key === "ArrowDown" ? 1 : found.length - 1)) % found.length;
      showResults();
    } else if (event.key === "Enter") {
      event.preventDefault();
      if (found[chosen]) { pick(found[chosen]); }
    } else if (event.key === "Escape") {
      results.hidden = true;
    }
  });
  search.addEventListener("blur", function () { setTimeout(function () { results.hidden = true; }, 150); });

  loadSettings();
})();
