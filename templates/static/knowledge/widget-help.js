/* The widget's help search, shown with the pre-chat form: a visitor may find the answer in an
   article before starting a chat. What they search, read and say about an article is
   recorded against a visit id, which is how deflection is counted (docs/knowledge.md).
   Results are written with textContent; an article's body is HTML that the server rendered
   from Markdown and sanitised (nh3), and the frame's policy runs no script but its own. */
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var box = $("help-search");
  var prechat = $("prechat");
  if (!box || !prechat) { return; }
  var KEY = JSON.parse($("config").textContent).channel;
  var visitKey = "cc-help-visit:" + KEY;
  var store = window.localStorage;
  var used = false;     // searched or read in this visit
  var shown = null;     // the article open
  var typing = null;
  // Searches asked (as typed, and the form sent, may both be on their way): only the last
  // one's answer is shown, and none once an article is opened after it.
  var asked = 0;

  function visit() {
    var id = store.getItem(visitKey);
    if (!id) {
      id = window.crypto && window.crypto.randomUUID ? window.crypto.randomUUID() :
        "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (c) {
          return (c ^ (Math.random() * 16) >> (c / 4)).toString(16);
        });
      store.setItem(visitKey, id);
    }
    return id;
  }
  function query(params) {
    return Object.keys(params).map(function (k) { return k + "=" + encodeURIComponent(params[k]); }).join("&");
  }
  function post(path, body) {
    return fetch(path, { method: "POST", headers: { "Content-Type": "application/json" },
                         body: JSON.stringify(Object.assign({ visit: visit(), channel: KEY }, body)) });
  }

  // Shown exactly while the pre-chat form is.
  function follow() { box.hidden = prechat.hidden; }
  new MutationObserver(follow).observe(prechat, { attributes: true, attributeFilter: ["hidden"] });
  follow();

  function search(record) {
    var q = $("help-query").value.trim();
    var list = $("help-results");
    if (!q) { list.textContent = ""; return; }
    var params = { q: q, visit: visit(), channel: KEY };
    if (record) { params.record = "1"; used = true; }
    var ask = ++asked;
    fetch("/help/api/search/?" + query(params)).then(function (r) { return r.json(); }).then(function (answer) {
      if (ask !== asked) { return; }  // a later search or an opened article came since
      list.textContent = "";
      $("help-article").hidden = true;
      list.hidden = false;
      if (!answer.results || !answer.results.length) {
        var none = document.createElement("li");
        none.className = "empty";
        none.textContent = "No article matches. Start a chat below and we will help.";
        list.appendChild(none);
        return;
      }
      answer.results.forEach(function (result) {
        var item = document.createElement("li");
        var open = document.createElement("button");
        open.type = "button";
        open.className = "link";
        open.textContent = result.title;
        open.addEventListener("click", function () { read(result.id); });
        item.appendChild(open);
        list.appendChild(item);
      });
    });
  }

  function read(id) {
    used = true;
    asked++;
    clearTimeout(typing);
    fetch("/help/api/articles/" + encodeURIComponent(id) + "/?" + query({ visit: visit(), channel: KEY }))
      .then(function (r) { return r.json(); }).then(function (article) {
        shown = article;
        $("help-title").textContent = article.title;
        $("help-body").innerHTML = article.html;  // sanitised by the server (nh3)
        $("help-results").hidden = true;
        $("help-article").hidden = false;
        $("help-ask").hidden = false;
        $("help-thanks").hidden = true;
      });
  }

  function rate(helpful) {
    if (!shown) { return; }
    post("/help/api/feedback/", { article_id: shown.id, helpful: helpful });
    $("help-ask").hidden = true;
    $("help-thanks").hidden = false;
    $("help-thanks").textContent = helpful ? "Glad it helped!" :
      "Sorry about that. Start a chat below and a colleague will help.";
  }

  $("help-form").addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(typing);
    search(true);
  });
  $("help-query").addEventListener("input", function () {
    clearTimeout(typing);
    typing = setTimeout(function () { search(false); }, 300);
  });
  $("help-back").addEventListener("click", function () {
    $("help-article").hidden = true;
    $("help-results").hidden = false;
  });
  $("help-yes").addEventListener("click", function () { rate(true); });
  $("help-no").addEventListener("click", function () { rate(false); });
  // A chat started after searching: the help did not deflect it. A new visit begins.
  prechat.addEventListener("submit", function () {
    if (used) { post("/help/api/escalated/", {}); }
    used = false;
    store.removeItem(visitKey);
  });
})();
