// The badge's QR code (issue 19, point 2), drawn here by the tablet or the desk's browser
// from the sign-out link in data-qr, with qrcode-generator (vendor/qrcode.js, MIT; DESIGN.md
// "Libraries first"). The server only signs the link: drawing the code was most of a kiosk
// sign-in's own work on the server (bench B1, docs/performance.md).
// Drawn with DOM calls, not markup (no innerHTML). Runs before kiosk.js / reception.js (both
// deferred, in document order), so a badge set to print is printed with its code.
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var ALPHANUMERIC = /^[0-9A-Z $%*+\-./:]*$/; // the link is upper case: the denser mode
  var QUIET = 4; // modules of white around the code (ISO/IEC 18004)

  function element(name, attributes) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attributes).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    return node;
  }

  function draw(box) {
    var link = box.getAttribute("data-qr");
    if (!link || typeof qrcode !== "function") return; // the six-character code still works
    var code = qrcode(0, "M"); // error correction M (15 %): enough for a printed label
    code.addData(link, ALPHANUMERIC.test(link) ? "Alphanumeric" : "Byte");
    code.make();
    var n = code.getModuleCount(), side = n + 2 * QUIET, runs = [];
    for (var row = 0; row < n; row += 1) {
      for (var col = 0; col < n; ) {
        if (!code.isDark(row, col)) { col += 1; continue; }
        var start = col;
        while (col < n && code.isDark(row, col)) col += 1;
        runs.push("M" + (start + QUIET) + " " + (row + QUIET) + "h" + (col - start) + "v1h-" + (col - start) + "Z");
      }
    }
    var svg = element("svg", { viewBox: "0 0 " + side + " " + side, "shape-rendering": "crispEdges" });
    svg.appendChild(element("rect", { width: side, height: side, fill: "#fff" }));
    svg.appendChild(element("path", { d: runs.join("") }));
    box.appendChild(svg);
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-qr]"), draw);
})();
