/* Files in the console (docs/inbox.md, "Attachments"): every channel's files shown one way,
   pictures kept here as thumbnails (a click opens the picture), everything else as a link
   with its name and size; and the composer's "Attach file", which sends a file to the
   customer as a message of its own. Loaded before console.js, which renders with
   window.ConsoleFiles.render; the upload looks window.Console up when it is used. */
(function () {
  "use strict";
  var PICTURES = /^image\/(png|jpeg|gif|webp)$/i;

  function sizeText(bytes) {
    if (!bytes) { return ""; }
    return bytes >= 1048576 ? (bytes / 1048576).toFixed(1) + " MB" : Math.max(1, Math.round(bytes / 1024)) + " KB";
  }

  // Ours: a stored file (any channel's) or a provider's media fetched through our proxy.
  function local(url) { return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/"; }

  function render(attachments) {
    var box = document.createElement("div");
    box.className = "attachments";
    (attachments || []).forEach(function (a) {
      var link = document.createElement("a");
      link.className = "attachment";
      var name = a.name || "attachment";
      var size = sizeText(a.size);
      if (a.url && (local(a.url) || /^https:\/\//i.test(a.url))) {
        link.href = a.url;
        link.target = "_blank";
        link.rel = "noopener noreferrer";
      }
      if (PICTURES.test(a.content_type || "") && local(a.url)) {
        // Pictures kept here have a thumbnail; a provider's, fetched through us, are scaled.
        var img = document.createElement("img");
        img.className = "thumbnail";
        img.alt = name;
        img.loading = "lazy";
        img.src = a.storage_key ? a.url + (a.url.indexOf("?") < 0 ? "?" : "&") + "thumbnail=1" : a.url;
        img.addEventListener("error", function () { img.replaceWith(document.createTextNode(name)); });
        link.classList.add("picture");
        link.title = name + (size ? " (" + size + ")" : "");
        link.appendChild(img);
      } else {
        link.textContent = name + (size ? " (" + size + ")" : "") +
          (a.url && !local(a.url) ? " — on the provider's site" : "");
      }
      box.appendChild(link);
    });
    return box;
  }

  window.ConsoleFiles = { render: render };

  function wire() {
    var input = document.getElementById("attach-file");
    var C = window.Console;
    if (!input || !C) { return; }
    var info = document.getElementById("attach-status");
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      input.value = "";
      var view = C.state.interactions[C.state.active];
      if (!file || !view) { return; }
      if (document.getElementById("note-mode").checked) {
        C.toast("Files go to the customer: turn off Internal note to send one.");
        return;
      }
      var form = new FormData();
      form.append("interaction_id", view.id);
      form.append("file", file);
      info.textContent = "Sending " + file.name + "…";
      fetch("/console/attachments/", {
        method: "POST", body: form, credentials: "same-origin",
        headers: { "X-CSRFToken": document.getElementById("csrf").value }
      }).then(function (r) {
        return r.json().then(function (answer) {
          if (!r.ok) { throw new Error(answer.error || r.statusText); }
          info.textContent = "";
        });
      }).catch(function (e) {
        info.textContent = "";
        C.toast("Not sent: " + e.message);
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wire);
  } else {
    setTimeout(wire, 0);
  }
})();
