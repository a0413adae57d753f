/* The guided script beside the conversation (docs/quality.md, "Guided scripts"): the steps
   of the queue's script, the one to do now with its answers as buttons, the required ones
   marked; each click records the step (ScriptStepDone) and the server answers where the
   script stands. Wrap-up refuses while a required step is owed. */
(function () {
  "use strict";
  var C = window.Console;
  if (!C) { return; }
  var $ = function (id) { return document.getElementById(id); };

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function held() {
    var view = C.state.interactions[C.state.active];
    return view && (view.state === "active" || view.state === "wrap_up") ? view : null;
  }

  function mark(view, step, choice) {
    C.api("POST", "/console/inbox/conversations/" + encodeURIComponent(view.id) + "/script/",
          { step: step, choice: choice || "" })
      .then(function (script) {
        // The conversation may have been fetched again while the step was on its way (a view
        // built before it): the answer goes to the one the console holds now.
        var now = C.state.interactions[view.id] || view;
        now.script = script;
        if (C.state.active === view.id) { render(now); }
      })
      .catch(function (e) { C.toast(e.message); });
  }

  function render(view) {
    var script = view ? view.script : null;
    var panel = $("script-panel");
    panel.hidden = !script;
    if (!script) { return; }
    $("script-name").textContent = script.name;
    var list = $("script-steps");
    list.textContent = "";
    var acting = held() === view;
    script.steps.forEach(function (step) {
      var item = el("li", "script-step" + (step.done ? " done" : "") + (step.skipped ? " skipped" : "") +
                         (step.id === script.current ? " current" : ""));
      item.dataset.step = step.id;
      item.appendChild(el("p", "", step.text));
      if (step.required) { item.appendChild(el("span", "badge", "required")); }
      if (step.done) {
        item.appendChild(el("span", "meta", " ✓ done" + (step.choice ? ": " + step.choice : "")));
      } else if (step.id === script.current && acting) {
        var buttons = el("div", "script-buttons");
        (step.options.length ? step.options : [null]).forEach(function (label) {
          var button = el("button", "", label === null ? "Done" : label);
          button.type = "button";
          button.addEventListener("click", function () { mark(view, step.id, label); });
          buttons.appendChild(button);
        });
        item.appendChild(buttons);
      }
      list.appendChild(item);
    });
    var missing = $("script-missing");
    missing.hidden = !script.missing.length;
    missing.textContent = script.missing.length ?
      script.missing.length + " required step" + (script.missing.length === 1 ? "" : "s") + " still to do before wrap-up." : "";
  }

  C.on("render", function (state) { render(state.interactions[state.active]); });
})();
