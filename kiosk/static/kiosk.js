/* The visitor kiosk. No storage of any kind: the tablet forgets each visitor.
   - any screen returns to the welcome after data-idle-seconds without a touch (default 30);
   - links replace the current history entry, and POST answers (which may show a name) get
     their entry rewritten to the welcome address, so Back shows nothing of anyone;
   - a heartbeat to /healthz: when the server cannot be reached, an overlay asks the visitor
     to see reception and every field is emptied. */
(function () {
  "use strict";
  var screen = document.getElementById("kiosk");
  if (!screen) { return; }
  var home = screen.getAttribute("data-home") || "/kiosk";
  var overlay = document.getElementById("offline");
  var last = Date.now();

  function clearFields() {
    var fields = document.querySelectorAll("input, textarea, select");
    Array.prototype.forEach.call(fields, function (el) {
      if (el.name === "_csrf_token") { return; }
      if (el.type === "radio" || el.type === "checkbox") { el.checked = false; }
      else if (el.tagName === "SELECT") { el.selectedIndex = -1; }
      else { el.value = ""; }
    });
  }

  function goHome() {
    clearFields();
    if (screen.getAttribute("data-at-home")) { return; }
    window.location.replace(home);
  }

  function touched() { last = Date.now(); }
  ["pointerdown", "keydown", "input", "touchstart", "scroll", "wheel"].forEach(function (name) {
    document.addEventListener(name, touched, { passive: true, capture: true });
  });

  window.setInterval(function () {
    var idle = parseFloat(screen.getAttribute("data-idle-seconds") || "30");
    if (idle > 0 && Date.now() - last > idle * 1000) {
      last = Date.now();
      goHome();
    }
  }, 250);

  if (window.history && window.history.replaceState) {
    window.history.replaceState(null, "", screen.getAttribute("data-forget-history") ? home : window.location.href);
  }
  // A page restored from the back-forward cache is a page of an earlier visitor.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { window.location.replace(home); }
  });

  // A badge on a kiosk set to print (data-print: its layout) opens the print dialogue by
  // itself; with Chromium's --kiosk-printing it prints to the default printer silently.
  var layout = screen.getAttribute("data-print");
  if (layout && layout !== "none" && window.print) {
    window.addEventListener("load", function () {
      window.setTimeout(function () { window.print(); }, 200);
    });
  }

  // Links never add history entries: Back cannot walk through earlier screens.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[href]") : null;
    if (!link || link.target || event.defaultPrevented) { return; }
    if (link.origin !== window.location.origin) { return; }
    event.preventDefault();
    clearFields();
    window.location.replace(link.href);
  });

  // One tap, one submission (the server also refuses a replayed form).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.getAttribute("data-sent")) { event.preventDefault(); return; }
    form.setAttribute("data-sent", "true");
  });

  // Host search: filters the list as the visitor types; nothing is remembered.
  Array.prototype.forEach.call(document.querySelectorAll("input[data-filter]"), function (input) {
    input.addEventListener("input", function () {
      var q = input.value.trim().toLowerCase();
      Array.prototype.forEach.call(document.querySelectorAll(input.getAttribute("data-filter")), function (option) {
        option.hidden = q !== "" && (option.getAttribute("data-name") || "").indexOf(q) === -1;
      });
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }
    });
  });

  function offline() {
    if (!overlay) { return; }
    clearFields();
    overlay.hidden = false;
  }

  function online() {
    if (overlay && !overlay.hidden) {
      overlay.hidden = true;
      window.location.replace(home);
    }
  }

  function beat() {
    var url = screen.getAttribute("data-heartbeat");
    if (!url || !window.fetch) { return; }
    window.fetch(url, { cache: "no-store", credentials: "same-origin" })
      .then(function (response) { if (response.ok) { online(); } else { offline(); } })
      .catch(offline);
  }
  var beatSeconds = parseFloat(screen.getAttribute("data-heartbeat-seconds") || "10");
  window.setInterval(beat, beatSeconds * 1000);
  window.addEventListener("offline", offline);
  window.addEventListener("online", beat);
})();
