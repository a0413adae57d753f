// Preview dialling (docs/outbound.md): the next record of the agent's preview campaigns, with
// the campaign's script; the agent reads it, then dials. Hidden for agents without one.
(function () {
  "use strict";
  var panel = document.getElementById("preview");
  if (!panel) return;
  var recordBox = document.getElementById("preview-record");
  var dial = document.getElementById("preview-dial");
  var status = document.getElementById("preview-status");
  var record = null;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function say(message, failed) {
    status.textContent = message;
    status.className = failed ? "meta refused" : "meta";
    status.hidden = !message;
  }

  function show(next) {
    record = next;
    recordBox.textContent = "";
    dial.hidden = !next;
    if (!next) {
      recordBox.appendChild(el("p", "empty", "No record due in your campaigns."));
      return;
    }
    recordBox.appendChild(el("strong", "preview-name", next.name || next.phone));
    recordBox.appendChild(el("p", "meta", next.phone + " · " + next.time_zone + " · " +
                                          next.campaign + " · attempts " + next.attempts));
    var data = el("dl", "attributes");
    Object.keys(next.data || {}).forEach(function (key) {
      data.appendChild(el("dt", "", key));
      data.appendChild(el("dd", "", next.data[key]));
    });
    recordBox.appendChild(data);
    if (next.script) recordBox.appendChild(el("blockquote", "preview-script", next.script));
  }

  function load() {
    fetch("/console/outbound/next/", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) {
        if (!body) return;
        panel.hidden = !body.record && panel.hidden;
        if (body.record) panel.hidden = false;
        show(body.record);
      });
  }

  // Connected campaign calls the agent had, each awaiting its disposition.
  var wrapUps = document.getElementById("wrap-ups");
  function renderWrapUps(calls) {
    wrapUps.textContent = "";
    calls.forEach(function (call) {
      var item = el("li", "wrap-up");
      item.dataset.attempt = call.attempt_id;
      item.appendChild(el("strong", "", "Wrap up: " + call.name + " (" + call.campaign + ")"));
      var form = el("form", "inline-form");
      var select = el("select");
      select.setAttribute("aria-label", "Disposition");
      call.dispositions.forEach(function (d) {
        var option = el("option", "", d.label);
        option.value = d.code;
        select.appendChild(option);
      });
      form.appendChild(select);
      [["right_party", "Right party"], ["converted", "Converted"]].forEach(function (pair) {
        var label = el("label", "");
        var box = el("input");
        box.type = "checkbox";
        box.name = pair[0];
        label.appendChild(box);
        label.appendChild(document.createTextNode(" " + pair[1]));
        form.appendChild(label);
      });
      form.appendChild(el("button", "", "Done"));
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        post("/console/outbound/attempts/" + encodeURIComponent(call.attempt_id) + "/wrap-up/", {
          disposition: select.value,
          right_party: form.elements.right_party.checked,
          converted: form.elements.converted.checked
        }).then(function (answer) {
          if (answer.ok) { item.remove(); say("Wrapped up.", false); }
          else { say(answer.body.error || "Refused.", true); }
        });
      });
      item.appendChild(form);
      wrapUps.appendChild(item);
    });
    if (calls.length) panel.hidden = false;
  }
  function loadWrapUps() {
    fetch("/console/outbound/wrap-up/", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) { if (body) renderWrapUps(body.calls); });
  }
  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json",
                 "X-CSRFToken": document.getElementById("csrf").value },
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().then(function (json) { return { ok: r.ok, body: json }; });
    });
  }

  dial.addEventListener("click", function () {
    if (!record) return;
    dial.disabled = true;
    fetch("/console/outbound/dial/", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json",
                 "X-CSRFToken": document.getElementById("csrf").value },
      body: JSON.stringify({ contact_id: record.contact_id })
    }).then(function (r) {
      return r.json().then(function (body) { return { ok: r.ok, body: body }; });
    }).then(function (answer) {
      dial.disabled = false;
      if (answer.ok) {
        say("Calling " + record.phone + "…", false);
        show(null);
      } else {
        say(answer.body.error || "Refused.", true);
      }
    }, function () { dial.disabled = false; say("Could not reach the server; try again.", true); });
  });
  document.getElementById("preview-refresh").addEventListener("click", function () {
    say("");
    load();
    loadWrapUps();
  });
  load();
  loadWrapUps();
  setInterval(loadWrapUps, 15000);
})();
