/* Reception console: the "on site now" list refreshes by itself (CSP: no inline script).
   Only the marked region is replaced, so a half-filled form elsewhere on the page is kept.
   data-refresh-seconds is read on every tick, so it can be changed while the page is open. */
(function () {
  "use strict";
  var region = document.querySelector("[data-refresh-seconds]");
  if (!region || !window.fetch || !window.DOMParser) { return; }
  var last = Date.now();
  var loading = false;

  function due() {
    var seconds = parseFloat(region.getAttribute("data-refresh-seconds")) || 20;
    var busy = region.contains(document.activeElement) && document.activeElement !== document.body;
    return !loading && !busy && Date.now() - last >= seconds * 1000;
  }

  window.setInterval(function () {
    if (!due()) { return; }
    loading = true;
    window.fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(region.id);
        if (fresh) { region.innerHTML = fresh.innerHTML; }
      })
      .catch(function () { /* the next tick tries again */ })
      .then(function () { last = Date.now(); loading = false; });
  }, 500);
})();

/* A badge signed in at the desk prints as at the kiosk: the print dialogue opens by itself
   when the page names a layout (data-print), and "Print again" opens it once more. */
(function () {
  "use strict";
  var badge = document.querySelector("[data-print]");
  if (!badge || !window.print) { return; }
  var again = document.getElementById("print-again");
  if (again) { again.addEventListener("click", function () { window.print(); }); }
  if (badge.getAttribute("data-print") !== "none") {
    window.addEventListener("load", function () {
      window.setTimeout(function () { window.print(); }, 200);
    });
  }
})();

/* Pre-registration follows the chosen site, as the kiosk does:
   - the date: the default is the site's own today (data-site-days; near midnight two offices
     can be on different days), moved along with the site unless reception picked its own;
   - the host: only the site's hosts are offered (data-site-hosts, each site's host ids), and a
     host chosen for another site is cleared, so reception picks again rather than sending a
     host who is not there (the server refuses that too). */
(function () {
  "use strict";
  var form = document.getElementById("expected-form");
  var site = form && form.elements.namedItem("site_id");
  if (!site || site.tagName !== "SELECT") { return; }

  function read(name) {
    var value = form.getAttribute(name);
    return value ? JSON.parse(value) : null;
  }

  var days = read("data-site-days");
  var date = form.elements.namedItem("expected_on");
  if (days && date) {
    var shown = days[site.value];
    site.addEventListener("change", function () {
      var next = days[site.value];
      if (next && date.value === shown) { date.value = next; }
      shown = next;
    });
  }

  var hosts = read("data-site-hosts");
  var host = form.elements.namedItem("host_id");
  if (hosts && host && host.tagName === "SELECT") {
    var follow = function () {
      var here = (hosts[site.value] || []).map(String);
      Array.prototype.forEach.call(host.options, function (option) {
        var offered = option.value === "" || here.indexOf(option.value) !== -1;
        option.hidden = !offered;
        option.disabled = !offered;
      });
      if (host.selectedOptions.length && host.selectedOptions[0].disabled) { host.value = ""; }
    };
    site.addEventListener("change", follow);
    follow();
  }
})();
