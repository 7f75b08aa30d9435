/* Chehui: live deadlines. The server renders every deadline with its state (data-deadline); this
   moves only the running ones, words as apps/sla/presenter.py puts them, in the page's language,
   and turns a running one into "overdue" when it passes. A paused deadline never moves. */
(function () {
  "use strict";

  var WORDS = {
    zh: {
      under: "不到 1 分钟",
      dh: "{d} 天 {h} 小时", d: "{d} 天", hm: "{h} 小时 {m} 分钟", h: "{h} 小时", m: "{m} 分钟",
      left: "剩余 {s}", overdue: "已超时 {s}"
    },
    en: {
      under: "under a minute",
      dh: "{d} d {h} h", d: "{d} d", hm: "{h} h {m} min", h: "{h} h", m: "{m} min",
      left: "{s} left", overdue: "Overdue by {s}"
    }
  };
  var URGENT_SECONDS = 3600;

  function words() {
    var lang = (document.documentElement.lang || "").toLowerCase();
    return lang.indexOf("en") === 0 ? WORDS.en : WORDS.zh;
  }

  function fill(pattern, values) {
    return pattern.replace(/\{(\w)\}/g, function (_, key) { return String(values[key]); });
  }

  /* The same rounding as presenter.humanize: down to the minute, days and hours past a day. */
  function humanize(seconds, w) {
    if (seconds < 60) { return w.under; }
    var minutes = Math.floor(seconds / 60);
    var d = Math.floor(minutes / 1440), h = Math.floor((minutes % 1440) / 60), m = minutes % 60;
    if (d) { return fill(h ? w.dh : w.d, { d: d, h: h }); }
    if (h) { return fill(m ? w.hm : w.h, { h: h, m: m }); }
    return fill(w.m, { m: m });
  }

  function tick() {
    var w = words();
    var now = Date.now();
    document.querySelectorAll("time[data-deadline=running], time[data-deadline=missed][data-live]")
      .forEach(function (el) {
        var due = Date.parse(el.getAttribute("datetime"));
        if (isNaN(due)) { return; }
        var left = Math.floor((due - now) / 1000);
        if (left > 0) {
          el.textContent = fill(w.left, { s: humanize(left, w) });
          el.classList.toggle("badge-warn", left <= URGENT_SECONDS);
          return;
        }
        if (el.getAttribute("data-deadline") === "running") {
          el.setAttribute("data-deadline", "missed");
          el.setAttribute("data-live", "");
          el.classList.remove("badge-warn");
          el.classList.add("badge-bad");
        }
        el.textContent = fill(w.overdue, { s: humanize(-left, w) });
      });
  }

  function start() {
    tick();
    setInterval(tick, 1000);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
