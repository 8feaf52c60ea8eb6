/* Review desk keyboard shortcuts (issue 17), listed on each page that has them.
   Queue: j next row, k previous row, o (or Enter on a row) opens it.
   Application page: j next applicant, k previous, within the queue's filters and order
   (the links marked rel="next" / rel="prev" carry the queue's query).
   A static file because the CSP allows no inline script. Keys typed into a field, or with
   a modifier held, are left alone. */
(function () {
  "use strict";
  var links = Array.prototype.slice.call(document.querySelectorAll("table.queue a.open"));
  var current = -1;

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  function select(index) {
    if (!links.length) { return; }
    current = Math.max(0, Math.min(links.length - 1, index));
    links.forEach(function (link, i) {
      link.closest("tr").classList.toggle("selected", i === current);
    });
    links[current].focus();
  }

  function follow(rel) {
    var link = document.querySelector("a[rel='" + rel + "']");
    if (link) { window.location.href = link.href; }
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) { return; }
    var key = event.key;
    if (links.length) {
      var focused = links.indexOf(document.activeElement);
      if (focused >= 0) { current = focused; }
      if (key === "j") { select(current + 1); }
      else if (key === "k") { select(current < 0 ? 0 : current - 1); }
      else if (key === "o" && current >= 0) { window.location.href = links[current].href; }
      else { return; }
    } else if (key === "j") { follow("next"); }
    else if (key === "k") { follow("prev"); }
    else { return; }
    event.preventDefault();
  });
})();
