/* The wallboard's sentiment table: live conversations, the most negative first, asked for
   every few seconds. A conversation that turned negative is also a standing alert, raised by the
   alerts loop. */
(function () {
  "use strict";
  var table = document.getElementById("moods");
  if (!table) { return; }
  function cell(row, text, className) {
    var td = document.createElement("td");
    td.textContent = text;
    if (className) { td.className = className; }
    row.appendChild(td);
  }
  function refresh() {
    fetch("/knowledge/moods/", { credentials: "same-origin" }).then(function (r) { return r.json(); })
      .then(function (answer) {
        var body = table.tBodies[0];
        body.textContent = "";
        answer.conversations.forEach(function (c) {
          var row = document.createElement("tr");
          row.dataset.interaction = c.interaction_id;
          cell(row, c.interaction_id.slice(0, 8));
          cell(row, c.channel);
          cell(row, c.last.toFixed(2), "sentiment " + (c.negative ? "negative" : c.last >= 0.35 ? "positive" : "neutral"));
          cell(row, c.trend.toFixed(2));
          cell(row, String(c.messages));
          body.appendChild(row);
        });
        if (!answer.conversations.length) {
          var empty = document.createElement("tr");
          cell(empty, "No live conversation with customer messages.");
          empty.firstChild.colSpan = 5;
          body.appendChild(empty);
        }
      }).catch(function () { /* asked again shortly */ });
  }
  refresh();
  setInterval(refresh, 5000);
})();
