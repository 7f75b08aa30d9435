/* Chehui portal: the letter coach as you type and the letter's autosave (live deadlines: deadlines.js).
   Works without it, too. */
(function () {
  "use strict";

  function setupCoach() {
    var form = document.getElementById("letter-form");
    var list = document.getElementById("coach-findings");
    if (!form || !list) { return; }
    var url = form.getAttribute("data-check-url");
    var timer = null;
    var coach = document.getElementById("coach");
    var verdict = document.getElementById("coach-verdict");
    function render(report) {
      document.getElementById("coach-score").textContent = report.score;
      document.getElementById("coach-meter").style.width = report.score + "%";
      if (verdict) {
        verdict.textContent = report.verdict || "";
        verdict.classList.toggle("coach-verdict-good", report.findings.length === 0);
      }
      list.innerHTML = "";
      report.findings.forEach(function (finding) {
        var li = document.createElement("li");
        li.className = finding.severity || "";
        li.textContent = finding.message;
        if (finding.copy) { li.appendChild(document.createTextNode(" ")); appendCopy(li, finding.copy); }
        list.appendChild(li);
      });
    }
    /* A line the coach suggests (the ticket number, a sentence): shown to copy, with a button. */
    function appendCopy(li, text) {
      var code = document.createElement("code");
      code.className = "coach-copy";
      code.textContent = text;
      li.appendChild(code);
      if (!navigator.clipboard || !coach) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "linkish coach-copy-button";
      button.textContent = coach.getAttribute("data-copy-label");
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(text).then(function () {
          button.textContent = coach.getAttribute("data-copied-label");
        });
      });
      li.appendChild(document.createTextNode(" "));
      li.appendChild(button);
    }
    list.querySelectorAll("code.coach-copy").forEach(function (code) {
      var li = code.parentNode, text = code.textContent;
      li.removeChild(code);
      appendCopy(li, text);
    });
    function check() {
      var data = new FormData(form);
      fetch(url, { method: "POST", body: data, credentials: "same-origin",
                   headers: { "X-Requested-With": "fetch" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (report) { if (report) { render(report); } })
        .catch(function () { /* the coach runs again on save */ });
    }
    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(check, 400);
    });
  }

  /* The draft letter saves itself while it is typed: 2 s after the last keystroke, when a field is
     left, and when the page is hidden. Each save carries a rising number (the clock in ms, never
     repeated) so the server ignores an older save that arrives after a newer one. A failed save says
     so and tries again, waiting longer each time. Without this script the Save button does the same. */
  var AUTOSAVE_DELAY_MS = 2000, RETRY_FIRST_MS = 2000, RETRY_MAX_MS = 30000;

  function setupAutosave() {
    var form = document.getElementById("letter-form");
    var status = document.getElementById("autosave-status");
    if (!form || !status || !window.fetch || !window.FormData) { return; }
    var url = form.getAttribute("data-autosave-url");
    var sequenceInput = form.querySelector("input[name=sequence]");
    var timer = null, retry = RETRY_FIRST_MS, lastSequence = 0, dirty = false;
    if (!status.textContent.trim()) { show(status.getAttribute("data-typing"), false); }

    function nextSequence() {
      lastSequence = Math.max(Date.now(), lastSequence + 1);
      return lastSequence;
    }
    function show(text, failed) {
      status.textContent = text || "";
      status.classList.toggle("autosave-failed", !!failed);
    }
    function failed() {
      dirty = true;
      show(status.getAttribute("data-failed"), true);
      clearTimeout(timer);
      timer = setTimeout(save, retry);
      retry = Math.min(retry * 2, RETRY_MAX_MS);
    }
    function save(keepalive) {
      clearTimeout(timer);
      if (!dirty) { return; }
      dirty = false;
      var data = new FormData(form);
      var sequence = nextSequence();
      data.set("sequence", String(sequence));
      show(status.getAttribute("data-saving"), false);
      fetch(url, { method: "POST", body: data, credentials: "same-origin", redirect: "manual",
                   keepalive: !!keepalive, headers: { "X-Requested-With": "fetch" } })
        .then(function (response) {
          return response.json().catch(function () { return null; }).then(function (body) {
            return { ok: response.ok, code: response.status, body: body };
          });
        })
        .then(function (answer) {
          if (sequence !== lastSequence) { return; }  /* a newer save is on its way and will report */
          if (answer.ok && answer.body) { retry = RETRY_FIRST_MS; show(answer.body.status, false); return; }
          if ((answer.code === 400 || answer.code === 409) && answer.body && answer.body.message) {
            show(answer.body.message, true);  /* trying again will not help until the text changes */
            return;
          }
          failed();
        })
        .catch(function () { if (sequence === lastSequence) { failed(); } });
    }

    form.addEventListener("input", function () {
      dirty = true;
      clearTimeout(timer);
      timer = setTimeout(save, AUTOSAVE_DELAY_MS);
    });
    form.addEventListener("focusout", function () { save(false); });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") { save(true); }
    });
    window.addEventListener("online", function () { save(false); });
    form.addEventListener("submit", function () {
      clearTimeout(timer);
      dirty = false;
      if (sequenceInput) { sequenceInput.value = String(nextSequence()); }
    });
  }

  /* The browser's own file button speaks the browser's language, not the page's ("Choose File" on a
     Chinese page): an input that names its button (data-choose-label) gets that button instead, and
     the chosen file's name beside it. Without this script the browser's own button stays. */
  function setupFileButtons() {
    document.querySelectorAll("input[type=file][data-choose-label]").forEach(function (input) {
      var button = document.createElement("label");
      button.className = "file-button";
      button.htmlFor = input.id;
      button.textContent = input.getAttribute("data-choose-label");
      var chosen = document.createElement("span");
      chosen.className = "file-chosen";
      chosen.setAttribute("aria-live", "polite");
      input.insertAdjacentElement("beforebegin", button);
      input.insertAdjacentElement("afterend", chosen);
      input.classList.add("file-input-enhanced");
      input.addEventListener("change", function () {
        chosen.textContent = Array.prototype.map.call(input.files || [], function (file) {
          return file.name;
        }).join(", ");
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupFileButtons();
    setupCoach();
    setupAutosave();
  });
})();
