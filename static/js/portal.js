/* Chehui portal: the letter coach as you type, and live countdowns. Works without it, too. */
(function () {
  "use strict";

  function pad(n) { return n < 10 ? "0" + n : String(n); }

  function tickCountdowns() {
    var now = Date.now();
    document.querySelectorAll("time[data-countdown]").forEach(function (el) {
      var at = Date.parse(el.getAttribute("datetime"));
      if (isNaN(at)) { return; }
      var out = el.nextElementSibling;
      if (!out || !out.classList.contains("countdown")) {
        out = document.createElement("span");
        out.className = "countdown badge";
        el.insertAdjacentElement("afterend", out);
        el.insertAdjacentText("afterend", " ");
      }
      var left = Math.floor((at - now) / 1000);
      if (left <= 0) { out.textContent = "00:00:00"; out.classList.add("badge-bad"); return; }
      var h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
      out.textContent = h + ":" + pad(m) + ":" + pad(s);
      out.classList.toggle("badge-warn", left < 3600);
    });
  }

  function setupCoach() {
    var form = document.getElementById("letter-form");
    var list = document.getElementById("coach-findings");
    if (!form || !list) { return; }
    var url = form.getAttribute("data-check-url");
    var timer = null;
    function render(report) {
      document.getElementById("coach-score").textContent = report.score;
      document.getElementById("coach-meter").style.width = report.score + "%";
      list.innerHTML = "";
      report.findings.forEach(function (finding) {
        var li = document.createElement("li");
        li.className = finding.severity || "";
        li.textContent = finding.message;
        list.appendChild(li);
      });
    }
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
    tickCountdowns();
    setInterval(tickCountdowns, 1000);
  });
})();
