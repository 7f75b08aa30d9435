/* Chehui workspace: the queue and the case page learn of changes without a reload.

   Each page polls a small JSON endpoint (apps/workspace/live.py) every ~10 s while it is visible,
   backs off after errors and stops after a 403 (signed out). Nothing reloads on its own: a polite
   banner offers to. The queue's poll also redraws the tabs' counts. The case page's poll also
   says "I am viewing" and answers who else is. The pages work without this script. */
(function () {
  "use strict";

  var BASE_MS = window.chehuiLivePollMs || 10000;  // a test may set a shorter interval
  var MAX_MS = 5 * 60 * 1000;

  function SignedOut() {}
  function Gone() {}

  function getJSON(url) {
    return fetch(url, {
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-Requested-With": "fetch" }
    }).then(function (r) {
      if (r.status === 403 || r.status === 401) { throw new SignedOut(); }
      if (r.status === 404) { throw new Gone(); }
      var type = r.headers.get("Content-Type") || "";
      if (!r.ok || type.indexOf("application/json") !== 0) { throw new Error("poll failed: " + r.status); }
      return r.json();
    });
  }

  /* Run `tick` (returning a promise) every BASE_MS while the tab is visible; double the wait after
     each error up to MAX_MS; stop for good when `tick` rejects with SignedOut or Gone. */
  function poll(tick, onStop) {
    var delay = BASE_MS, timer = null, stopped = false, running = false;
    function schedule(ms) {
      clearTimeout(timer);
      if (!stopped && !document.hidden) { timer = setTimeout(run, ms); }
    }
    function run() {
      if (stopped || running) { return; }
      running = true;
      tick().then(function () {
        delay = BASE_MS;
      }, function (error) {
        if (error instanceof SignedOut || error instanceof Gone) {
          stopped = true;
          onStop(error);
        } else {
          delay = Math.min(delay * 2, MAX_MS);
        }
      }).then(function () {
        running = false;
        schedule(delay);
      });
    }
    document.addEventListener("visibilitychange", function () {
      if (document.hidden) { clearTimeout(timer); } else { run(); }  // back: ask at once
    });
    run();
  }

  /* Put "text — [button]" into a live region, unless it already says exactly that. */
  function say(region, text, label, onClick) {
    var key = text + "|" + (label || "");
    if (region.getAttribute("data-said") === key) { return; }
    region.setAttribute("data-said", key);
    region.textContent = "";
    if (!text) { return; }
    region.appendChild(document.createTextNode(text));
    if (label) {
      region.appendChild(document.createTextNode(" — "));
      var button = document.createElement("button");
      button.type = "button";
      button.className = "linkish";
      button.textContent = label;
      button.addEventListener("click", onClick);
      region.appendChild(button);
    }
  }

  function reload() { window.location.reload(); }

  function signedOut(box, region) {
    say(region, box.getAttribute("data-signed-out"), null);
    box.classList.add("live-stopped");
  }

  /* ------------------------------------------------------------------------------ the queue */

  function setupQueue(box) {
    var banner = box.querySelector(".live-banner");
    var since = box.getAttribute("data-since");
    if (!since) { return; }

    function rows() { return document.querySelectorAll("tr[data-id]"); }

    function url() {
      var params = new URLSearchParams(window.location.search);
      params.delete("after");
      params.set("since", since);
      params.set("shown", Array.prototype.map.call(rows(), function (row) {
        var version = row.getAttribute("data-version");
        return row.getAttribute("data-id") + (version ? ":" + version : "");
      }).join(","));
      return box.getAttribute("data-url") + "?" + params.toString();
    }

    function tick() {
      return getJSON(url()).then(function (data) {
        Array.prototype.forEach.call(rows(), function (row) {
          var id = row.getAttribute("data-id");
          if (!row.getAttribute("data-version") && data.versions[id]) {
            row.setAttribute("data-version", data.versions[id]);  // the page changed it itself (a claim)
          }
          row.classList.toggle("live-changed", data.changed.indexOf(Number(id)) !== -1);
        });
        say(banner, data.text, box.getAttribute("data-label-show"), reload);
        Object.keys(data.counts || {}).forEach(function (tab) {
          var badge = document.querySelector('.count[data-tab="' + tab + '"]');
          if (badge && badge.textContent !== data.counts[tab]) { badge.textContent = data.counts[tab]; }
        });
      });
    }

    poll(tick, function () { signedOut(box, banner); });
  }

  /* -------------------------------------------------------------------------- the case page */

  function newestShown() {
    var newest = 0;
    document.querySelectorAll(".thread li[id^='message-']").forEach(function (li) {
      newest = Math.max(newest, Number(li.id.slice("message-".length)) || 0);
    });
    return newest;
  }

  var STASH = "chehui:composer:" + window.location.pathname;

  /* Keep what the agent is typing across a reload the banner asked for. */
  function stashComposer() {
    var body = document.querySelector("#composer textarea[name=body]");
    try {
      if (body && body.value.trim()) { window.sessionStorage.setItem(STASH, body.value); }
    } catch (e) { /* private mode: nothing kept, nothing lost either (the agent chose to reload) */ }
  }

  function restoreComposer() {
    var body = document.querySelector("#composer textarea[name=body]");
    var kept = null;
    try {
      kept = window.sessionStorage.getItem(STASH);
      window.sessionStorage.removeItem(STASH);
    } catch (e) { return; }
    if (body && kept && !body.value) { body.value = kept; }
  }

  function setupCase(box) {
    var banner = box.querySelector(".live-banner");
    var presence = box.querySelector(".live-presence");
    var version = box.getAttribute("data-version");
    var newest = newestShown();
    var thread = document.querySelector("ol.thread");
    var threadBanner = document.createElement("p");
    threadBanner.className = "live-thread";
    threadBanner.setAttribute("role", "status");
    threadBanner.setAttribute("aria-live", "polite");
    if (thread) { thread.parentNode.insertBefore(threadBanner, thread); }
    restoreComposer();

    /* Draw the new messages in place: the composer (and what is typed in it) stays as it is. */
    function showThread() {
      fetch(window.location.pathname, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(new Error("thread " + r.status)); })
        .then(function (html) {
          var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("ol.thread");
          if (!fresh || !thread) { return; }
          thread.innerHTML = fresh.innerHTML;
          newest = newestShown();
          say(threadBanner, "", null);
          var last = thread.lastElementChild;
          if (last) { last.scrollIntoView({ block: "nearest" }); }
        })
        .catch(function () { stashComposer(); reload(); });
    }

    function tick() {
      var asked = newest;
      var params = new URLSearchParams({ version: version, after: String(asked) });
      return getJSON(box.getAttribute("data-url") + "?" + params.toString()).then(function (data) {
        if (presence.textContent !== data.viewers_text) { presence.textContent = data.viewers_text; }
        if (data.changed) {
          say(banner, box.getAttribute("data-changed"), box.getAttribute("data-label-reload"), function () {
            stashComposer();
            reload();
          });
        }
        /* An answer to a question asked before the thread was redrawn counts messages already shown. */
        if (thread && asked === newest) {
          say(threadBanner, data.messages_text, box.getAttribute("data-label-show"), showThread);
        }
      });
    }

    poll(tick, function () { signedOut(box, banner); presence.textContent = ""; });

    window.addEventListener("pagehide", function () {
      var token = document.querySelector("input[name=csrfmiddlewaretoken]");
      if (!navigator.sendBeacon || !token) { return; }
      var form = new FormData();
      form.append("csrfmiddlewaretoken", token.value);
      navigator.sendBeacon(box.getAttribute("data-leave-url"), form);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var queue = document.getElementById("live-queue");
    var kase = document.getElementById("live-case");
    if (!window.fetch || !window.URLSearchParams) { return; }
    if (queue) { setupQueue(queue); }
    if (kase) { setupCase(kase); }
  });
})();
