/* Chehui workspace: keyboard shortcuts for the queue and the case page.

   Queue: j / k move the highlight between rows, Enter or o opens the ticket, c claims it (the case
   page's claim action, with the row's version), x ticks its checkbox, / goes to the search box.
   Case page: r goes to the composer. Both: ? shows the list of keys (Esc closes it). Keys do
   nothing while typing in a field or with Ctrl, Alt or Cmd held. */
(function () {
  "use strict";

  function typing(target) {
    if (!target || !target.tagName) { return false; }
    var tag = target.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }

  function rows() { return Array.prototype.slice.call(document.querySelectorAll("tr[data-id]")); }

  function current() { return document.querySelector("tr[data-id].row-current"); }

  function highlight(row) {
    var before = current();
    if (before) { before.classList.remove("row-current"); before.removeAttribute("aria-current"); }
    row.classList.add("row-current");
    row.setAttribute("aria-current", "true");
    var link = row.querySelector("a[href]");
    if (link) { link.focus({ preventScroll: true }); }  // a screen reader reads the ticket's number
    row.scrollIntoView({ block: "nearest" });
  }

  function move(step) {
    var all = rows();
    if (!all.length) { return; }
    var at = all.indexOf(current());
    var next = at === -1 ? (step > 0 ? 0 : all.length - 1) : Math.min(Math.max(at + step, 0), all.length - 1);
    highlight(all[next]);
  }

  function open(row) {
    var link = row && row.querySelector("a[href]");
    if (link) { window.location.href = link.href; }
  }

  function feedback(text, bad) {
    var region = document.querySelector("#live-queue .live-feedback");
    if (!region) { return; }
    region.textContent = text;
    region.classList.toggle("live-bad", !!bad);
  }

  /* The refusal the case page would show: its error notice, or its "this ticket changed" one. */
  function refusal(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var notice = doc.querySelector("#action-error p") || doc.querySelector("#stale strong");
    return notice ? notice.textContent.trim() : "";
  }

  function claim(row) {
    var link = row.querySelector("a[href]");
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    var box = document.getElementById("live-queue");
    if (!link || !token || row.getAttribute("data-claiming")) { return; }
    var reference = row.getAttribute("data-reference") || "";
    var form = new FormData();
    form.append("csrfmiddlewaretoken", token.value);
    form.append("version", row.getAttribute("data-version") || "");
    row.setAttribute("data-claiming", "1");
    row.setAttribute("aria-busy", "true");
    fetch(new URL("claim/", link.href).toString(), {
      method: "POST", body: form, credentials: "same-origin", redirect: "manual",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (r) {
      if (r.type === "opaqueredirect" || (r.status >= 300 && r.status < 400)) {
        var agent = row.querySelector("[data-cell=agent]") || row.lastElementChild;
        if (agent && box) { agent.textContent = box.getAttribute("data-me"); }
        row.setAttribute("data-version", "");  // the next poll tells the new one
        row.classList.add("live-claimed");
        feedback(reference + ": " + (box ? box.getAttribute("data-claimed") : ""), false);
        return;
      }
      if (r.status === 403) {
        feedback(box ? box.getAttribute("data-signed-out") : "", true);
        return;
      }
      return r.text().then(function (html) { feedback(reference + ": " + refusal(html), true); });
    }).catch(function () {
      feedback(reference + ": " + (box ? box.getAttribute("data-not-sent") : ""), true);
    }).then(function () {
      row.removeAttribute("data-claiming");
      row.removeAttribute("aria-busy");
    });
  }

  function toggleSelect(row) {
    var box = row.querySelector("input[type=checkbox]");
    if (box) { box.click(); }  // a click, so whatever listens to the checkbox hears it
  }

  function focusSearch() {
    var search = document.querySelector("form[role=search] input[type=search], input[name=q]");
    if (search) { search.focus(); search.select(); return true; }
    return false;
  }

  function focusComposer() {
    var body = document.querySelector("#composer textarea[name=body]");
    if (body) { body.focus(); body.scrollIntoView({ block: "center" }); return true; }
    return false;
  }

  function showHelp() {
    var dialog = document.getElementById("keys-help");
    if (!dialog || dialog.open) { return false; }
    if (dialog.showModal) { dialog.showModal(); } else { dialog.setAttribute("open", ""); }
    return true;
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) { return; }
    if (typing(event.target)) { return; }
    var dialog = document.getElementById("keys-help");
    if (dialog && dialog.open) { return; }  // the dialog's own keys: Esc closes it
    var queue = document.getElementById("live-queue");
    var handled = false;
    var key = event.key;
    if (key === "?") {
      handled = showHelp();
    } else if (queue) {
      var row = current();
      if (key === "j") { move(1); handled = true; }
      else if (key === "k") { move(-1); handled = true; }
      else if (key === "/") { handled = focusSearch(); }
      else if (key === "Enter" || key === "o") {
        var tag = event.target.tagName ? event.target.tagName.toLowerCase() : "";
        if (key === "Enter" && (tag === "a" || tag === "button")) { return; }  // the browser follows it
        if (row) { open(row); handled = true; }
      }
      else if (key === "c" && row) { claim(row); handled = true; }
      else if (key === "x" && row) { toggleSelect(row); handled = true; }
    } else if (key === "r" && !event.shiftKey) {
      handled = focusComposer();
    }
    if (handled) { event.preventDefault(); }
  });
})();
