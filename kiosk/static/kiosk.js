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
    // Every way off a screen empties its fields: the camera, if scanning, goes off too (scan.js).
    document.dispatchEvent(new Event("kiosk:leave"));
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

  // Host search: nothing is listed until two letters are typed; then the server sends the
  // few matching hosts (no list of every employee reaches the tablet). Nothing is remembered.
  // A delivery (issue 19.8) asks for the company and the recipient, never the courier's
  // name: choosing it hides the name field and empties it (the server drops it too).
  Array.prototype.forEach.call(document.querySelectorAll("form.visit-form"), function (form) {
    var nameField = document.getElementById("name-field");
    function purposeChosen() {
      var delivery = !!form.querySelector("input[name=purpose][value=delivery]:checked");
      form.classList.toggle("delivery", delivery);
      if (nameField) {
        nameField.hidden = delivery;
        if (delivery) { nameField.querySelector("input").value = ""; }
      }
    }
    form.addEventListener("change", function (event) {
      if (event.target.name === "purpose") { purposeChosen(); }
    });
    purposeChosen();
  });

  Array.prototype.forEach.call(document.querySelectorAll("input[data-hosts]"), function (input) {
    var list = document.getElementById(input.getAttribute("aria-controls"));
    var hint = document.getElementById(input.getAttribute("aria-describedby"));
    var min = parseInt(input.getAttribute("data-min") || "2", 10);
    var timer = null;
    var asked = 0;

    function show(hosts) {
      Array.prototype.forEach.call(list.querySelectorAll(".host-option"), function (option) {
        var radio = option.querySelector("input");
        if (!radio || !radio.checked) { option.parentNode.removeChild(option); }
      });
      hosts.forEach(function (host) {
        if (list.querySelector("input[value='" + host.id + "']")) { return; }
        var label = document.createElement("label");
        label.className = "host-option";
        var radio = document.createElement("input");
        radio.type = "radio"; radio.name = "host_id"; radio.value = String(host.id);
        var name = document.createElement("span");
        name.textContent = host.name + " ";
        if (host.department) {
          var small = document.createElement("small");
          small.textContent = host.department;
          name.appendChild(small);
        }
        label.appendChild(radio); label.appendChild(name);
        list.appendChild(label);
      });
      if (hint) { hint.textContent = hosts.length ? "" : hint.getAttribute("data-none"); }
    }

    function ask() {
      var typed = input.value.trim();
      if (typed.length < min) { show([]); if (hint) { hint.textContent = ""; } return; }
      var mine = ++asked;
      window.fetch(input.getAttribute("data-hosts") + "?q=" + encodeURIComponent(typed),
                   { cache: "no-store", credentials: "same-origin" })
        .then(function (response) { if (!response.ok) { throw new Error("hosts"); } return response.json(); })
        .then(function (hosts) { if (mine === asked) { show(hosts); } })
        .catch(function () { offline(); });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, 150);
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
  // A request that cannot reach the server shows the service worker's "see reception"
  // screen, never the browser's error page (sw.js keeps that screen only).
  if (navigator.serviceWorker && window.isSecureContext) {
    navigator.serviceWorker.register("/kiosk/sw.js", { scope: "/kiosk" }).catch(function () {});
  }

  var beatSeconds = parseFloat(screen.getAttribute("data-heartbeat-seconds") || "10");
  window.setInterval(beat, beatSeconds * 1000);
  window.addEventListener("offline", offline);
  window.addEventListener("online", beat);
})();
