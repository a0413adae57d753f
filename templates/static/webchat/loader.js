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
  frame.setAttribute("allow", "clipboard-write; microphone");  // microphone: calling from the widget
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

  // On a phone (a narrow viewport) the open chat fills the screen; the host page's viewport
  // is what counts, so the loader decides, and again when it turns or resizes.
  // The screen's width too: a page without a viewport tag lays out 980 px wide on a phone.
  var PHONE_WIDTH = 600;
  var isOpen = false;
  function fit() {
    var phone = isOpen && Math.min(window.innerWidth, window.screen.width) <= PHONE_WIDTH;
    var size = isOpen ? open : closed;
    frame.style.width = phone ? "100vw" : size.width;
    frame.style.height = phone ? "100dvh" : size.height;
    frame.style.bottom = phone ? "0" : style.bottom;
    frame.style.right = phone ? "0" : style.right;
    frame.style.maxWidth = phone ? "none" : style.maxWidth;
    frame.style.maxHeight = phone ? "none" : style.maxHeight;
    frame.dataset.fullscreen = phone ? "true" : "false";
  }
  window.addEventListener("resize", fit);
  window.addEventListener("message", function (event) {
    if (event.origin !== base || event.source !== frame.contentWindow) { return; }
    var data = event.data || {};
    if (data.type === "cc-widget" && (data.state === "open" || data.state === "closed")) {
      isOpen = data.state === "open";
      fit();
    }
  });

  function attach() { document.body.appendChild(frame); }
  if (document.body) { attach(); } else { document.addEventListener("DOMContentLoaded", attach); }
})();
