/* The kiosk's camera scan of a QR code (issue 19.2 and 19.9), with jsQR (vendor/jsQR.js).
   A ".scan" block (templates/kiosk/scan.html) names the field the code goes into and the
   pattern the QR code must match; the code found fills the field and the form is sent just
   as if it had been typed (the same submit, the same checks on the server).

   Privacy: frames are read in this page's memory only, one at a time, to find the code.
   Nothing of the video is stored, drawn anywhere visible but the live preview, or sent: only
   the code read from the QR code leaves the tablet, in the form, as typing would send it
   (data minimisation, GDPR Art. 5(1)(c)). The camera is switched off (every track stopped)
   as soon as a code is read, on "Stop", when the screen is left, on the idle return to the
   welcome screen and when the server cannot be reached (kiosk.js sends "kiosk:leave").
   The Permissions-Policy allows the camera on these screens only (app/web/middleware.py). */
(function () {
  "use strict";
  var EVERY_MS = 150;  // a frame read about seven times a second: enough, and light on the CPU
  var MAX_WIDTH = 800;

  function setUp(block) {
    var field = document.getElementById(block.getAttribute("data-scan-into"));
    var form = field ? field.form : null;
    var pattern = new RegExp(block.getAttribute("data-scan-pattern"), "i");
    var start = block.querySelector(".scan-start");
    var stopButton = block.querySelector(".scan-stop");
    var video = block.querySelector(".scan-video");
    var status = block.querySelector(".scan-status");
    var canvas = document.createElement("canvas");  // never attached to the page
    var stream = null;
    var timer = null;
    if (!field || !form || !window.jsQR) { return; }

    function say(key) { status.textContent = key ? block.getAttribute("data-" + key) : ""; }

    function unavailable(key) {
      stop();
      start.disabled = true;
      start.textContent = block.getAttribute("data-" + key);
      say("");
    }

    function stop() {
      window.clearInterval(timer);
      timer = null;
      if (stream) {
        stream.getTracks().forEach(function (track) { track.stop(); });
        stream = null;
      }
      video.pause();
      video.srcObject = null;
      video.hidden = true;
      stopButton.hidden = true;
      start.hidden = false;
    }

    function found(text) {
      var match = pattern.exec(String(text).trim());
      if (!match) { say("wrong"); return; }
      stop();
      say("");
      field.value = match[1].toUpperCase();
      field.dispatchEvent(new Event("input", { bubbles: true }));  // counts as a touch (idle)
      if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
    }

    function read() {
      if (!stream || !video.videoWidth || !video.videoHeight) { return; }
      // At most MAX_WIDTH pixels across: a code held up to the camera is still many pixels a
      // module, and a tablet's CPU reads the frame in a fraction of the time.
      var scale = Math.min(1, MAX_WIDTH / video.videoWidth);
      var width = Math.round(video.videoWidth * scale), height = Math.round(video.videoHeight * scale);
      canvas.width = width;
      canvas.height = height;
      var context = canvas.getContext("2d", { willReadFrequently: true });
      context.drawImage(video, 0, 0, width, height);
      var pixels = context.getImageData(0, 0, width, height);
      var code = window.jsQR(pixels.data, width, height, { inversionAttempts: "dontInvert" });
      context.clearRect(0, 0, width, height);
      if (code && code.data) { found(code.data); }
    }

    function open() {
      say("looking");
      // A tablet on a stand faces the visitor: its front ("user") camera; a phone or a
      // tablet held the other way round may only have the "environment" one, which the
      // browser then picks (ideal, not exact).
      navigator.mediaDevices.getUserMedia({ audio: false, video: { facingMode: { ideal: "user" } } })
        .then(function (opened) {
          stream = opened;
          video.srcObject = opened;
          video.hidden = false;
          start.hidden = true;
          stopButton.hidden = false;
          return video.play();
        })
        .then(function () { timer = window.setInterval(read, EVERY_MS); })
        .catch(function (error) {
          var absent = error && (error.name === "NotFoundError" || error.name === "OverconstrainedError");
          unavailable(absent ? "absent" : "refused");
        });
    }

    start.hidden = false;
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      unavailable("absent");
      return;
    }
    start.addEventListener("click", open);
    stopButton.addEventListener("click", function () { stop(); say(""); });
    document.addEventListener("kiosk:leave", stop);
    window.addEventListener("pagehide", stop);
    document.addEventListener("visibilitychange", function () {
      if (document.hidden) { stop(); }
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll(".scan[data-scan-into]"), setUp);
})();
