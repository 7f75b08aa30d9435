/* Chehui conversation: the coach's advice under the portal composer as you type, and the case page
   composer's button naming what it sends. The forms work without it. */
(function () {
  "use strict";

  var DEBOUNCE_MS = 500;

  function setupMessageCoach() {
    var form = document.getElementById("composer");
    var list = document.getElementById("message-advice");
    if (!form || !list || !form.getAttribute("data-check-url")) { return; }
    var url = form.getAttribute("data-check-url");
    var body = form.querySelector("textarea[name=body]");
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    var timer = null;
    var last = null;
    function render(advice) {
      list.innerHTML = "";
      advice.forEach(function (item) {
        var li = document.createElement("li");
        li.textContent = item.message;
        list.appendChild(li);
      });
    }
    function check() {
      var text = body.value;
      if (text === last) { return; }
      last = text;
      if (!text.trim()) { render([]); return; }
      var data = new FormData();
      data.append("body", text);
      fetch(url, { method: "POST", body: data, credentials: "same-origin",
                   headers: { "X-CSRFToken": token ? token.value : "", "X-Requested-With": "fetch" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (reply) { if (reply && body.value === text) { render(reply.advice || []); } })
        .catch(function () { /* advice only: sending never waits for it */ });
    }
    body.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(check, DEBOUNCE_MS);
    });
  }

  function setupModeButton() {
    var form = document.getElementById("composer");
    if (!form) { return; }
    var button = form.querySelector("button[data-label-reply]");
    var modes = form.querySelectorAll("input[name=mode]");
    if (!button || !modes.length) { return; }
    function update() {
      var checked = form.querySelector("input[name=mode]:checked");
      var note = checked && checked.value === "note";
      button.textContent = button.getAttribute(note ? "data-label-note" : "data-label-reply");
      button.classList.toggle("btn-note", !!note);
    }
    modes.forEach(function (input) { input.addEventListener("change", update); });
    update();
  }

  /* The browser's own file button speaks the browser's language, not the page's: with this script the
     page's label becomes the button and the chosen files are listed under it. */
  function setupFilePicker() {
    var form = document.getElementById("composer");
    if (!form) { return; }
    var input = form.querySelector("input[type=file]");
    if (!input) { return; }
    var chosen = document.createElement("ul");
    chosen.className = "files-chosen";
    chosen.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", chosen);
    form.classList.add("files-enhanced");
    input.addEventListener("change", function () {
      chosen.innerHTML = "";
      Array.prototype.forEach.call(input.files || [], function (file) {
        var li = document.createElement("li");
        li.textContent = file.name;
        chosen.appendChild(li);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupMessageCoach();
    setupModeButton();
    setupFilePicker();
  });
})();
