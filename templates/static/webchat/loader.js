/* The web chat loader: <script src="https://support.example.com/widget.js" data-channel="KEY" async></script>
   It adds one iframe to the page and nothing else: no global styles, no globals but a guard. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) { return; }
  var key = script.getAttribute("data-channel");
  var base = new URL(script.src, window.location.href).origin;
  var guard = "__contactCenterWidgets";
  window[guard] = window[guard] || {};
  if (!key || window[guard][key]) { return; }
  window[guard][key] = true;

  var frame = document.createElement("iframe");
  frame.src = base + "/widget/frame/" + encodeURIComponent(key) + "/";
  frame.title = "Chat";
  frame.setAttribute("allow", "clipboard-write");
  var closed = { width: "76px", height: "76px" };
  var open = { width: "400px", height: "600px" };
  var style = {
    position: "fixed", bottom: "12px", right: "12px", border: "0", margin: "0", padding: "0",
    zIndex: "2147483000", background: "transparent", colorScheme: "normal",
    maxWidth: "calc(100vw - 24px)", maxHeight: "calc(100vh - 24px)"
  };
  Object.keys(style).forEach(function (k) { frame.style[k] = style[k]; });
  frame.style.width = closed.width;
  frame.style.height = closed.height;

  window.addEventListener("message", function (event) {
    if (event.origin !== base || event.source !== frame.contentWindow) { return; }
    var data = event.data || {};
    if (data.type === "cc-widget" && (data.state === "open" || data.state === "closed")) {
      var size = data.state === "open" ? open : closed;
      frame.style.width = size.width;
      frame.style.height = size.height;
    }
  });

  function attach() { document.body.appendChild(frame); }
  if (document.body) { attach(); } else { document.addEventListener("DOMContentLoaded", attach); }
})();
