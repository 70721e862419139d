/* Listening pages: small enhancements only. Every page works without this file.
   - the playback speed control (0.75x to 2x, pitch preserved), remembered on this device;
   - section and "play from here" links move the page's own player instead of opening the MP3;
   - the sentence being read is highlighted, without moving focus or scrolling;
   - a button that copies the feed address. */
(function () {
  "use strict";

  var SPEED_KEY = "gentle-steps-speed";

  function remember(key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { /* private mode: not remembered */ }
  }

  function recall(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  }

  function setupPlayer(audio) {
    function setRate(rate) {
      // Set both rates: loading the source resets playbackRate to defaultPlaybackRate.
      audio.defaultPlaybackRate = rate;
      audio.playbackRate = rate;
      audio.preservesPitch = true;
      if ("webkitPreservesPitch" in audio) { audio.webkitPreservesPitch = true; }
      if ("mozPreservesPitch" in audio) { audio.mozPreservesPitch = true; }
    }

    var box = document.querySelector(".speed-control");
    var select = document.getElementById("speed");
    if (box && select) {
      var saved = recall(SPEED_KEY);
      if (saved && select.querySelector('option[value="' + saved + '"]')) { select.value = saved; }
      setRate(parseFloat(select.value));
      select.addEventListener("change", function () {
        setRate(parseFloat(select.value));
        remember(SPEED_KEY, select.value);
      });
      box.hidden = false;
    }

    document.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a.seek[data-start]") : null;
      if (!link) { return; }
      var start = parseFloat(link.getAttribute("data-start"));
      if (isNaN(start)) { return; }
      event.preventDefault();
      // Before metadata has loaded this sets the start position the browser uses once it has.
      audio.currentTime = start;
      var playing = audio.play();
      if (playing && playing.catch) { playing.catch(function () { /* the listener can press play */ }); }
    });

    var spans = Array.prototype.slice.call(document.querySelectorAll(".s[data-start][data-end]"));
    var starts = spans.map(function (s) { return parseFloat(s.getAttribute("data-start")); });
    var ends = spans.map(function (s) { return parseFloat(s.getAttribute("data-end")); });
    var current = null;

    function highlight() {
      var t = audio.currentTime;
      var lo = 0;
      var hi = spans.length - 1;
      var found = -1;
      while (lo <= hi) {
        var mid = (lo + hi) >> 1;
        if (starts[mid] <= t) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
      }
      var next = found >= 0 && t < ends[found] + 0.4 ? spans[found] : null;
      if (next === current) { return; }
      if (current) { current.classList.remove("is-current"); }
      if (next) { next.classList.add("is-current"); }
      current = next;
    }

    audio.addEventListener("timeupdate", highlight);
    audio.addEventListener("seeked", highlight);
  }

  function setupCopy(button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    var status = document.querySelector(".copy-status");
    if (!source || !navigator.clipboard) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.textContent.trim()).then(function () {
        if (status) { status.textContent = "Copied."; }
      }, function () {
        if (status) { status.textContent = "Could not copy. Select the address and copy it instead."; }
      });
    });
  }

  var audio = document.getElementById("player");
  if (audio) { setupPlayer(audio); }
  Array.prototype.forEach.call(document.querySelectorAll("button[data-copy]"), setupCopy);
}());
