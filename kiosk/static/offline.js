/* The "see reception" screen the service worker shows while the server cannot be reached:
   it asks every few seconds and returns to the welcome screen once the server answers. */
(function () {
  "use strict";
  var screen = document.getElementById("kiosk-offline");
  if (!screen || !window.fetch) { return; }
  var home = screen.getAttribute("data-home") || "/kiosk";
  var url = screen.getAttribute("data-heartbeat") || "/healthz";
  window.setInterval(function () {
    window.fetch(url, { cache: "no-store", credentials: "same-origin" })
      .then(function (response) { if (response.ok) { window.location.replace(home); } })
      .catch(function () { /* still unreachable: ask again */ });
  }, 2000);
})();
