/* Agent assist beside the conversation: suggested articles and canned replies, refreshed each
   time the customer writes; the sentiment of each customer message; what a virtual agent
   understood before it handed off; a knowledge-base search with one-click insert into the
   reply. It only reads the console's page (the open conversation is the transcript's
   data-interaction) and writes into its reply box: console.js stays as it is. Text from the
   server is written with textContent. docs/knowledge.md. */
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var transcript = $("transcript");
  if (!transcript) { return; }
  var current = null;      // the interaction shown
  var lastInbound = "";    // the id of its last customer message seen
  var timer = null;
  var latest = null;       // the last suggestions

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      return r.json().then(function (body) { if (!r.ok) { throw new Error(body.error || r.status); } return body; });
    });
  }

  // The reply box gets the text (after what the agent already typed); the console hears it.
  function insert(text) {
    var reply = $("reply");
    reply.value = reply.value.trim() ? reply.value.replace(/\s*$/, "\n\n") + text : text;
    reply.dispatchEvent(new Event("input", { bubbles: true }));
    reply.focus();
  }
  function articleText(article) {
    var link = article.url ? "\n" + location.origin + article.url : "";
    return article.summary + link;
  }

  function articleItem(article) {
    var item = el("li", "kb-article");
    item.appendChild(el("strong", "", article.title));
    item.appendChild(el("p", "summary", article.summary.length > 220 ? article.summary.slice(0, 219) + "…" : article.summary));
    var add = el("button", "insert", "Insert");
    add.type = "button";
    add.addEventListener("click", function () { insert(articleText(article)); });
    item.appendChild(add);
    if (article.url) {
      var open = el("a", "", "Open");
      open.href = article.url; open.target = "_blank"; open.rel = "noopener";
      item.appendChild(open);
    }
    return item;
  }

  function fill(list, items, render) {
    list.textContent = "";
    if (!items.length) { list.appendChild(el("li", "empty", "Nothing yet.")); return; }
    items.forEach(function (x) { list.appendChild(render(x)); });
  }

  function cannedItem(canned) {
    var item = el("li", "kb-canned");
    var add = el("button", "insert", "Insert");
    add.type = "button";
    add.addEventListener("click", function () {
      var select = $("canned");  // the console's own canned-response path fills the placeholders
      select.value = String(canned.id);
      select.dispatchEvent(new Event("change", { bubbles: true }));
    });
    item.appendChild(add);
    item.appendChild(el("span", "", canned.title));
    return item;
  }

  function render(s) {
    latest = s;
    fill($("assist-articles"), s.articles, articleItem);
    fill($("assist-canned"), s.canned, cannedItem);
    var handoff = $("assist-handoff");
    handoff.textContent = "";
    handoff.hidden = !s.handoff;
    if (s.handoff) {
      handoff.appendChild(el("strong", "", "Virtual agent: " + (s.handoff.outcome === "handed_off" ? "handed off" : s.handoff.outcome || "talking")));
      if (s.handoff.reason) { handoff.appendChild(el("p", "reason", "Why: " + s.handoff.reason.replace(/_/g, " "))); }
      if (s.handoff.intent) { handoff.appendChild(el("p", "intent", "Intent: " + s.handoff.intent)); }
      handoff.appendChild(el("p", "tried", "Articles tried: " + (s.handoff.articles_tried.join(", ") || "none")));
    }
    var mood = $("assist-mood");
    var m = s.sentiment;
    mood.hidden = m.last === null;
    mood.className = "assist-mood " + (m.negative ? "negative" : m.last >= 0.35 ? "positive" : "neutral");
    mood.textContent = m.negative ? "The customer is upset (sentiment " + m.last.toFixed(2) + ")." :
      "Customer sentiment: " + (m.last === null ? "—" : m.last.toFixed(2));
    markMessages(m.messages);
    $("assist-draft").hidden = !s.generator;
  }

  // A badge on each customer message: its sentiment.
  function markMessages(scores) {
    Array.prototype.forEach.call(transcript.querySelectorAll("li.entry.inbound"), function (item) {
      var score = scores[item.dataset.message];
      var head = item.querySelector(".entry-head");
      if (!score || !head || head.querySelector(".sentiment")) { return; }
      var badge = el("span", "sentiment " + score.label, score.label + " " + score.compound.toFixed(2));
      head.appendChild(badge);
    });
  }

  function refresh() {
    if (!current) { return; }
    var asked = current;
    getJSON("/knowledge/assist/" + encodeURIComponent(asked) + "/").then(function (s) {
      if (asked === current) { render(s); }
    }).catch(function () { /* the next message asks again */ });
  }

  // The console rebuilds the transcript on every change: look at what it shows now.
  new MutationObserver(function () {
    var id = transcript.dataset.interaction || null;
    var inbound = transcript.querySelectorAll("li.entry.inbound");
    var last = inbound.length ? (inbound[inbound.length - 1].dataset.message || String(inbound.length)) : "";
    if (latest && id === current) { markMessages(latest.sentiment.messages); }
    if (id === current && last === lastInbound) { return; }
    current = id; lastInbound = last;
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  }).observe(transcript, { childList: true });

  $("kb-search-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var q = $("kb-search").value.trim();
    if (!q) { return; }
    var url = "/knowledge/search/?q=" + encodeURIComponent(q) + (current ? "&interaction=" + encodeURIComponent(current) : "");
    getJSON(url).then(function (answer) {
      var list = $("kb-results");
      list.textContent = "";
      if (!answer.results.length) { list.appendChild(el("li", "empty", "No article matches.")); }
      answer.results.forEach(function (a) { list.appendChild(articleItem(a)); });
    });
  });

  $("assist-draft").addEventListener("click", function () {
    if (!current) { return; }
    var button = $("assist-draft");
    button.disabled = true;
    fetch("/knowledge/draft/" + encodeURIComponent(current) + "/", {
      method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": $("csrf").value }
    }).then(function (r) { return r.json(); }).then(function (answer) {
      if (answer.text) { insert(answer.text); }
    }).finally(function () { button.disabled = false; });
  });
})();
