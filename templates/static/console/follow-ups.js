/* My follow-ups (docs/inbox.md, issue 17 item 6): the follow-ups this agent asked for at
   wrap-up, scheduled and lately due, soonest first. At its time a follow-up comes back as an
   offer to the same agent (the server's follow-ups loop); a click opens the conversation in
   the reader. */
(function () {
  "use strict";
  var C = window.Console;
  if (!C) { return; }
  var $ = function (id) { return document.getElementById(id); };
  var timer = null;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function refresh() {
    clearTimeout(timer);
    return C.api("GET", "/console/follow-ups/").then(function (data) {
      render(data.follow_ups);
    }).catch(function (e) { C.toast(e.message); });
  }
  function refreshSoon() { clearTimeout(timer); timer = setTimeout(refresh, 300); }

  function render(items) {
    var list = $("follow-up-list");
    list.textContent = "";
    if (!items.length) { list.appendChild(el("li", "empty", "No follow-ups.")); return; }
    items.forEach(function (f) {
      var item = el("li", "follow-up " + f.state + (f.overdue ? " overdue" : ""));
      item.dataset.interaction = f.interaction_id;
      var head = el("button", "link", (f.customer || "A customer") + " · " + f.channel);
      head.type = "button";
      head.addEventListener("click", function () { if (C.inbox) { C.inbox.open(f.interaction_id); } });
      item.appendChild(head);
      var when = new Date(f.due_at).toLocaleString();
      item.appendChild(el("span", "meta", f.state === "due" ? " due " + when + " · back in the queue" :
                                            " " + when));
      if (f.note) { item.appendChild(el("p", "", f.note)); }
      list.appendChild(item);
    });
  }

  C.on("event", function (frame) {
    if (frame.event === "WrapUpCompleted" || frame.event === "FollowUpDue" || frame.event === "OfferCreated") {
      refreshSoon();
    }
  });
  var seen = "";
  C.on("render", function (state) {
    var key = Object.keys(state.interactions).sort().map(function (id) { return id + state.interactions[id].state; }).join();
    if (key !== seen) { seen = key; refreshSoon(); }
  });
  setInterval(refresh, 15000);
  C.followUps = { refresh: refresh };
  refresh();
})();
