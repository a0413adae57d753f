// Click-to-contact in the customer panel (docs/outbound.md): for the customer on screen, each
// channel's button is enabled or shows why not (consent, do-not-call, no address); a short
// first message starts the conversation; Call places the call on the softphone. Listens for
// "customer-shown" from console.js.
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
    if (c.channel === "voice") { call(c); return; }
    channel = c.channel;
    form.hidden = false;
    text.placeholder = "First " + (labels[c.channel] || c.channel) + " message to " + c.address;
    text.focus();
    say("");
  }

  // Click-to-call: the call is placed at once and the softphone (softphone.js) joins its
  // audio, so the agent is on the line when the customer answers.
  function call(c) {
    var phone = window.softphone;
    if (!phone || !phone.microphone) {
      say("Turn the softphone on first: the call's audio is in your browser.", true);
      return;
    }
    if (phone.pc) { say("You are on a call already: finish it first.", true); return; }
    form.hidden = true;
    var button = buttons.querySelector("[data-channel='voice']");
    button.disabled = true;
    say("Calling " + c.address + "…", false);
    post({ channel: "voice" }).then(function (answer) {
      button.disabled = false;
      if (answer.ok) {
        phone.join(answer.body.interaction_id, c.address);
        say("Calling " + c.address + ": you are on the line when they answer.", false);
      } else {
        say(answer.body.error || "Refused.", true);
      }
    }, function () { button.disabled = false; say("Could not reach the server; try again.", true); });
  }

  function post(body) {
    return fetch("/console/customers/" + encodeURIComponent(customerId) + "/contact/", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().then(function (body) { return { ok: r.ok, body: body }; });
    });
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
    post({ channel: channel, text: text.value }).then(function (answer) {
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
