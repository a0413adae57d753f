/* Text anyone typed, shown safely: links become clickable (http, https and mailto only; they
   open in a new tab without telling the page who opened them), everything else stays text.
   Nothing is ever parsed as HTML. Used by the console and the widget. */
(function () {
  "use strict";
  var URL_LIKE = /\b(?:https?:\/\/|mailto:|www\.)[^\s<>"']+/gi;
  var TRAILING = /[.,;:!?)\]}'"]+$/;
  var SAFE = { "http:": 1, "https:": 1, "mailto:": 1 };

  function safeHref(candidate) {
    var href = /^www\./i.test(candidate) ? "https://" + candidate : candidate;
    try {
      var url = new URL(href);
      return SAFE[url.protocol] ? url.href : null;
    } catch (e) { return null; }
  }

  function linkify(text) {
    var fragment = document.createDocumentFragment();
    var last = 0;
    String(text).replace(URL_LIKE, function (match, offset) {
      var trailing = (TRAILING.exec(match) || [""])[0];
      var candidate = match.slice(0, match.length - trailing.length);
      var href = safeHref(candidate);
      if (!href) { return match; }
      fragment.appendChild(document.createTextNode(text.slice(last, offset)));
      var link = document.createElement("a");
      link.href = href;
      link.textContent = candidate;
      link.target = "_blank";
      link.rel = "noopener noreferrer nofollow";
      link.className = "text-link";
      fragment.appendChild(link);
      last = offset + candidate.length;
      return match;
    });
    fragment.appendChild(document.createTextNode(text.slice(last)));
    return fragment;
  }

  window.ConsoleText = { linkify: linkify, safeHref: safeHref };
})();
