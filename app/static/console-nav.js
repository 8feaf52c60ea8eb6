/* The console's grouped navigation (<details class="nav-group"> menus) behaves like a menu bar:
   Escape closes the open menu and gives the focus back to its summary, a click (or tap) outside
   closes it, and opening one menu closes the others. Without this file the menus still open and
   close by themselves (details/summary); it only tidies up. A static file because the CSP allows
   no inline script. */
(function () {
  "use strict";
  var groups = Array.prototype.slice.call(document.querySelectorAll("nav.console-nav details.nav-group"));
  if (!groups.length) { return; }

  function closeAll(except) {
    groups.forEach(function (group) {
      if (group !== except && group.open) { group.open = false; }
    });
  }

  groups.forEach(function (group) {
    group.addEventListener("toggle", function () {
      if (group.open) { closeAll(group); }
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" && event.key !== "Esc") { return; }
    var open = groups.filter(function (group) { return group.open; });
    if (!open.length) { return; }
    var group = open[0];
    closeAll(null);
    group.querySelector("summary").focus();
    event.preventDefault();
  });

  document.addEventListener("click", function (event) {
    groups.forEach(function (group) {
      if (group.open && !group.contains(event.target)) { group.open = false; }
    });
  });
}());
