// Click-to-contact in the customer panel (docs/outbound.md): for the customer on screen, each
// channel's button is enabled or shows why not (consent, do-not-call, no address); a short
// first message starts the conversation. Listens for "customer-shown" from console.js.
(function () {
  "use strict";
  var panel = document.getElementById("reach-out");
  if (!panel) return;
  var buttons = panel.querySelector(".reach-buttons");
  var form = document.getElementById("reach-out-form");
  var text = document.getElementById("reach-out-text");
  var status = document.getElementById("reach-out-status");
  var customerId = null, channel = null;
  var labels = { voice: "Call", sms: "SMS", email: "E-mail", slack: "Slack DM" };

  function csrf() { return document.getElementById("csrf").value; }
  function say(message, failed) {
    status.textContent = message;
    status.className = failed ? "meta refused" : "meta";
    status.hidden = !message;
  }

  function render(channels) {
    buttons.textContent = "";
    channels.forEach(function (c) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = labels[c.channel] || c.channel;
      button.dataset.channel = c.channel;
      button.disabled = !c.allowed;
      button.title = c.allowed ? c.address : c.reason;
      button.setAttribute("aria-label", button.textContent + (c.allowed ? " " + c.address : ": " + c.reason));
      button.addEventListener("click", function () { choose(c); });
      buttons.appendChild(button);
      if (!c.allowed && c.address) {
        var why = document.createElement("p");
        why.className = "meta reach-why";
        why.dataset.channel = c.channel;
        why.textContent = (labels[c.channel] || c.channel) + ": " + c.reason;
        buttons.appendChild(why);
      }
    });
  }

  function choose(c) {
    channel = c.channel;
    form.hidden = false;
    text.placeholder = "First " + (labels[c.channel] || c.channel) + " message to " + c.address;
    text.focus();
    say("");
  }

  function load(id) {
    if (id === customerId) return;  // the same customer re-rendered
    customerId = id;
    form.hidden = true;
    say("");
    fetch("/console/customers/" + encodeURIComponent(id) + "/reach/", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) {
        panel.hidden = !body;
        if (body && body.customer_id === customerId) render(body.channels);
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    fetch("/console/customers/" + encodeURIComponent(customerId) + "/contact/", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify({ channel: channel, text: text.value })
    }).then(function (r) {
      return r.json().then(function (body) { return { ok: r.ok, body: body }; });
    }).then(function (answer) {
      if (answer.ok) {
        text.value = "";
        form.hidden = true;
        say("Started: the conversation is in your work list.", false);
      } else {
        say(answer.body.error || "Refused.", true);
      }
    }, function () { say("Could not reach the server; try again.", true); });
  });

  document.addEventListener("customer-shown", function (event) {
    if (event.detail && event.detail.id) load(event.detail.id);
  });
})();
