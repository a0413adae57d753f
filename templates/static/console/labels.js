/* Labels, custom attributes and the customer's profile (docs/inbox.md, issue 17 item 5): the
   conversation's and the customer's labels as chips (× removes one, the select adds one),
   their attributes as a small form, the customer's card edited in place, and the customer's
   changes (who changed what) under "Changes". Also fills the inbox's label filter. Every
   change is a POST the server turns into events through the actions layer. */
(function () {
  "use strict";
  var C = window.Console;
  if (!C) { return; }
  var $ = function (id) { return document.getElementById(id); };
  var defined = { labels: [], attributes: [] };
  var shown = { conversation: null, customer: null };

  function api(method, url, body) { return C.api(method, url, body); }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }
  function title(name) {
    var found = defined.labels.filter(function (l) { return l.name === name; })[0];
    return found ? found.title : name;
  }
  function active() { return C.state.interactions[C.state.active] || null; }

  function load() {
    return api("GET", "/console/labels/").then(function (data) {
      defined = data;
      var filter = $("inbox-label");
      var chosen = filter.value;
      while (filter.options.length > 1) { filter.remove(1); }
      defined.labels.forEach(function (l) {
        var option = el("option", "", l.title);
        option.value = l.name;
        filter.appendChild(option);
      });
      filter.value = chosen;
      render();
    }).catch(function (e) { C.toast(e.message); });
  }

  function url(subject, id) {
    return subject === "conversation" ? "/console/labels/conversations/" + encodeURIComponent(id) + "/"
                                      : "/console/labels/customers/" + encodeURIComponent(id) + "/";
  }

  // subject: "conversation" | "customer"; holder: the object with labels and attributes
  function change(subject, id, holder, changes) {
    return api("POST", url(subject, id), changes).then(function (data) {
      holder.labels = data.labels;
      holder.attributes = data.attributes;
      if (subject === "customer") { return refreshCustomer(); }
      render();
    }).catch(function (e) { C.toast(e.message); });
  }

  function renderChips(list, subject, id, holder) {
    list.textContent = "";
    if (!holder.labels || !holder.labels.length) { list.appendChild(el("li", "empty", "No labels.")); }
    (holder.labels || []).forEach(function (name) {
      var chip = el("li", "label-chip");
      chip.dataset.label = name;
      chip.appendChild(el("span", "", title(name)));
      var remove = el("button", "remove", "×");
      remove.type = "button";
      remove.setAttribute("aria-label", "Remove the label " + title(name));
      remove.addEventListener("click", function () { change(subject, id, holder, { remove: [name] }); });
      chip.appendChild(remove);
      list.appendChild(chip);
    });
  }

  function renderAdd(select, subject, holder) {
    select.textContent = "";
    select.appendChild(el("option", "", "Choose…")).value = "";
    defined.labels.filter(function (l) {
      return l[subject] && (holder.labels || []).indexOf(l.name) < 0;
    }).forEach(function (l) {
      var option = el("option", "", l.title);
      option.value = l.name;
      select.appendChild(option);
    });
  }

  function renderAttributes(form, subject, holder) {
    form.textContent = "";
    var mine = defined.attributes.filter(function (a) { return a.subject === subject; });
    form.hidden = !mine.length;
    if (!mine.length) { return; }
    mine.forEach(function (a) {
      var label = el("label", "", a.title + " ");
      var input;
      if (a.kind === "choice" || a.kind === "yes_no") {
        input = el("select");
        var options = a.kind === "yes_no" ? ["yes", "no"] : a.choices;
        input.appendChild(el("option", "", "—")).value = "";
        options.forEach(function (c) { input.appendChild(el("option", "", c)).value = c; });
      } else {
        input = el("input");
        input.type = a.kind === "number" ? "number" : a.kind === "date" ? "date" : "text";
        input.maxLength = 500;
      }
      input.name = a.key;
      input.id = subject + "-attribute-" + a.key;
      input.value = (holder.attributes || {})[a.key] || "";
      label.appendChild(input);
      form.appendChild(label);
    });
    var save = el("button", "", "Save");
    save.type = "submit";
    form.appendChild(save);
  }

  function render() {
    var view = active();
    if (!view) { return; }
    shown.conversation = view.id;
    shown.customer = view.customer.id;
    view.labels = view.labels || [];
    view.customer.labels = view.customer.labels || [];
    renderChips($("conversation-labels"), "conversation", view.id, view);
    renderAdd($("conversation-label-add"), "conversation", view);
    renderChips($("customer-labels"), "customer", view.customer.id, view.customer);
    renderAdd($("customer-label-add"), "customer", view.customer);
    if (!isEditing($("conversation-attributes"))) { renderAttributes($("conversation-attributes"), "conversation", view); }
    if (!isEditing($("customer-attributes"))) { renderAttributes($("customer-attributes"), "customer", view.customer); }
    if (!isEditing($("profile-form"))) {
      $("profile-name").value = view.customer.name || "";
      $("profile-company").value = view.customer.company || "";
      $("profile-language").value = view.customer.language || "";
    }
    renderChanges(view.customer.changes || []);
  }
  function isEditing(form) { return form.contains(document.activeElement); }

  function renderChanges(changes) {
    var list = $("customer-changes");
    list.textContent = "";
    if (!changes.length) { list.appendChild(el("li", "empty", "No changes yet.")); }
    changes.forEach(function (c) {
      var item = el("li", "change");
      item.appendChild(el("strong", "", c.who));
      item.appendChild(el("span", "meta", " · " + new Date(c.at).toLocaleString()));
      c.what.forEach(function (line) { item.appendChild(el("p", "", line)); });
      list.appendChild(item);
    });
  }

  // The customer's card as the server has it now (after an edit of it, its labels or attributes).
  function refreshCustomer(customer) {
    var view = active();
    if (!view) { return Promise.resolve(); }
    var fresh = customer ? Promise.resolve({ customer: customer }) :
      api("POST", "/console/customers/" + encodeURIComponent(view.customer.id) + "/profile/", {});
    return fresh.then(function (data) {
      ["name", "company", "language", "labels", "attributes", "changes"].forEach(function (key) {
        view.customer[key] = data.customer[key];
      });
      C.show(view.id);
    });
  }

  $("conversation-label-add").addEventListener("change", function (event) {
    var view = active();
    if (view && event.target.value) { change("conversation", view.id, view, { add: [event.target.value] }); }
  });
  $("customer-label-add").addEventListener("change", function (event) {
    var view = active();
    if (view && event.target.value) { change("customer", view.customer.id, view.customer, { add: [event.target.value] }); }
  });
  function attributesOf(form) {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (field) { if (field.name) { values[field.name] = field.value; } });
    return values;
  }
  $("conversation-attributes").addEventListener("submit", function (event) {
    event.preventDefault();
    var view = active();
    if (view) {
      document.activeElement.blur();
      change("conversation", view.id, view, { attributes: attributesOf(event.target) });
    }
  });
  $("customer-attributes").addEventListener("submit", function (event) {
    event.preventDefault();
    var view = active();
    if (view) {
      document.activeElement.blur();
      change("customer", view.customer.id, view.customer, { attributes: attributesOf(event.target) });
    }
  });
  $("profile-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var view = active();
    if (!view) { return; }
    var changes = { name: $("profile-name").value, company: $("profile-company").value,
                    language: $("profile-language").value };
    document.activeElement.blur();
    api("POST", "/console/customers/" + encodeURIComponent(view.customer.id) + "/profile/", changes)
      .then(function (data) {
        C.toast(data.changed.length ? "Profile saved." : "Nothing changed.");
        return refreshCustomer(data.customer);
      }).catch(function (e) { C.toast(e.message); });
  });

  C.on("render", render);
  C.labels = { reload: load };
  load();
})();
