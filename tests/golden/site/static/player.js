/* Listening pages: small enhancements only. Every page works without this file: the browser's
   own audio controls, section links that open the MP3 at #t=seconds, and the whole transcript as text.
   With it:
   - a compact player replaces the native controls and stays in view while reading: play/pause, back and
     forward 15 s (one Tab stop; the arrow keys move between them), position, speed (remembered), and the
     section being read;
   - section and "play from here" links move the page's own player instead of opening the MP3;
   - the sentence being read is highlighted; it never takes focus, and the page scrolls to it only when the
     listener turns on "Follow along" (off by default, remembered; no smooth scrolling under reduced motion);
   - a button that copies the feed address. */
(function () {
  "use strict";

  var SPEED_KEY = "gentle-steps-speed";
  var FOLLOW_KEY = "gentle-steps-follow";
  // A sentence stays highlighted through the short pause after it, so the highlight does not flicker.
  var LINGER = 0.4;
  // The largest share of the window's height the sticky player may take.
  var MAX_DOCK_SHARE = 0.4;

  function remember(key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { /* private mode: not remembered */ }
  }

  function recall(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  }

  function clock(seconds) {
    var s = Math.max(0, Math.floor(seconds || 0));
    var h = Math.floor(s / 3600);
    var m = Math.floor((s % 3600) / 60);
    var rest = s % 60;
    var mm = h ? (m < 10 ? "0" + m : String(m)) : String(m);
    return (h ? h + ":" : "") + mm + ":" + (rest < 10 ? "0" + rest : rest);
  }

  function lastAtOrBefore(starts, t) {
    var lo = 0;
    var hi = starts.length - 1;
    var found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (starts[mid] <= t) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found;
  }

  function play(audio) {
    var playing = audio.play();
    if (playing && playing.catch) { playing.catch(function () { /* the listener can press play */ }); }
  }

  function setupSpeed(audio) {
    var select = document.getElementById("speed");
    if (!select) { return; }
    function setRate(rate) {
      // Set both rates: loading the source resets playbackRate to defaultPlaybackRate.
      audio.defaultPlaybackRate = rate;
      audio.playbackRate = rate;
      audio.preservesPitch = true;
      if ("webkitPreservesPitch" in audio) { audio.webkitPreservesPitch = true; }
      if ("mozPreservesPitch" in audio) { audio.mozPreservesPitch = true; }
    }
    var saved = recall(SPEED_KEY);
    if (saved && select.querySelector('option[value="' + saved + '"]')) { select.value = saved; }
    setRate(parseFloat(select.value));
    select.addEventListener("change", function () {
      setRate(parseFloat(select.value));
      remember(SPEED_KEY, select.value);
    });
  }

  // The three transport buttons are one toolbar: one Tab stop, arrow keys, Home and End move between them.
  function setupToolbar(toolbar) {
    var buttons = Array.prototype.slice.call(toolbar.querySelectorAll("button"));
    toolbar.addEventListener("keydown", function (event) {
      var i = buttons.indexOf(document.activeElement);
      if (i < 0) { return; }
      var next = { ArrowLeft: i - 1, ArrowRight: i + 1, Home: 0, End: buttons.length - 1 }[event.key];
      if (next === undefined) { return; }
      event.preventDefault();
      next = (next + buttons.length) % buttons.length;
      buttons.forEach(function (b, j) { b.tabIndex = j === next ? 0 : -1; });
      buttons[next].focus();
    });
  }

  function setupDock(audio, dock) {
    var controls = dock.querySelector(".dock-controls");
    if (!controls) { return; }
    var playButton = controls.querySelector("button.play");
    var playLabel = controls.querySelector(".play-label");
    var slider = document.getElementById("position");
    var elapsed = controls.querySelector(".elapsed");
    var nowTitle = controls.querySelector(".now-title");
    var sectionLinks = Array.prototype.slice.call(document.querySelectorAll("nav.sections a.seek[data-start]"));
    var sectionStarts = sectionLinks.map(function (a) { return parseFloat(a.getAttribute("data-start")); });
    var sectionTitles = sectionLinks.map(function (a) { return a.firstChild.textContent.trim(); });
    var dragging = false;

    function duration() {
      return isFinite(audio.duration) ? audio.duration : parseFloat(slider.max);
    }

    function showState() {
      dock.classList.toggle("is-playing", !audio.paused);
      playLabel.textContent = audio.paused ? "Play" : "Pause";
    }

    function showTime() {
      var t = audio.currentTime;
      var total = duration();
      elapsed.textContent = clock(t);
      if (!dragging) { slider.value = String(Math.min(t, total)); }
      slider.setAttribute("aria-valuetext", clock(t) + " of " + clock(total));
      var i = lastAtOrBefore(sectionStarts, t + 0.05);
      var title = sectionTitles[Math.max(i, 0)];
      if (title && nowTitle.textContent !== title) { nowTitle.textContent = title; }
    }

    playButton.addEventListener("click", function () {
      if (audio.paused) { play(audio); } else { audio.pause(); }
    });
    Array.prototype.forEach.call(controls.querySelectorAll("button[data-skip]"), function (button) {
      button.addEventListener("click", function () {
        var target = audio.currentTime + parseFloat(button.getAttribute("data-skip"));
        audio.currentTime = Math.max(0, Math.min(target, duration()));
      });
    });
    slider.addEventListener("input", function () {
      dragging = true;
      audio.currentTime = parseFloat(slider.value);
    });
    slider.addEventListener("change", function () { dragging = false; });
    audio.addEventListener("play", showState);
    audio.addEventListener("pause", showState);
    audio.addEventListener("ended", showState);
    audio.addEventListener("timeupdate", showTime);
    audio.addEventListener("seeked", showTime);
    audio.addEventListener("durationchange", function () {
      if (isFinite(audio.duration)) { slider.max = String(audio.duration); }
      showTime();
    });

    // The dock's height, so that focus, anchors and follow-along scroll to just below it (WCAG 2.4.11);
    // and a dock too tall for the window stops sticking rather than cover what it serves.
    function measure() {
      var height = dock.getBoundingClientRect().height;
      var unstick = height > window.innerHeight * MAX_DOCK_SHARE;
      dock.classList.toggle("is-static", unstick);
      document.documentElement.style.setProperty("--dock-h", (unstick ? 0 : height) + "px");
    }
    if (window.ResizeObserver) { new window.ResizeObserver(measure).observe(dock); }
    window.addEventListener("resize", measure);

    setupToolbar(controls.querySelector("[role=toolbar]"));
    // The compact player replaces the native controls: fewer Tab stops, and back/forward 15 s.
    audio.controls = false;
    controls.hidden = false;
    dock.classList.add("is-enhanced");
    measure();
    showState();
    showTime();
  }

  function setupSeekLinks(audio) {
    document.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a.seek[data-start]") : null;
      if (!link) { return; }
      var start = parseFloat(link.getAttribute("data-start"));
      if (isNaN(start)) { return; }
      event.preventDefault();
      // Before metadata has loaded this sets the start position the browser uses once it has.
      audio.currentTime = start;
      play(audio);
    });
  }

  function setupFollow() {
    var box = document.getElementById("follow");
    if (!box) { return function () { return false; }; }
    box.checked = recall(FOLLOW_KEY) === "on";
    box.addEventListener("change", function () { remember(FOLLOW_KEY, box.checked ? "on" : "off"); });
    return function () { return box.checked; };
  }

  // Scrolls the page (never the focus) so the sentence sits in the part of the window the dock leaves free
  // (once the page scrolls, a sticky dock sits at the top of the window).
  function bringIntoView(element, dock) {
    var sticky = dock && getComputedStyle(dock).position === "sticky";
    var top = sticky ? dock.getBoundingClientRect().height : 0;
    var bottom = window.innerHeight;
    var rect = element.getBoundingClientRect();
    if (rect.top >= top && rect.bottom <= bottom) { return; }
    var reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    // A third of the free space above the sentence leaves room to read on.
    var y = window.scrollY + rect.top - top - Math.max(0, (bottom - top - rect.height) / 3);
    window.scrollTo({ top: Math.max(0, y), behavior: reduce ? "instant" : "smooth" });
  }

  function setupHighlight(audio, dock, following) {
    var spans = Array.prototype.slice.call(document.querySelectorAll(".s[data-start][data-end]"));
    var starts = spans.map(function (s) { return parseFloat(s.getAttribute("data-start")); });
    var ends = spans.map(function (s) { return parseFloat(s.getAttribute("data-end")); });
    var current = null;

    function highlight() {
      var t = audio.currentTime;
      var found = lastAtOrBefore(starts, t);
      var next = found >= 0 && t < ends[found] + LINGER ? spans[found] : null;
      if (next === current) { return; }
      if (current) { current.classList.remove("is-current"); }
      if (next) {
        next.classList.add("is-current");
        if (following()) { bringIntoView(next, dock); }
      }
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
  if (audio) {
    var dock = document.querySelector(".dock");
    setupSpeed(audio);
    if (dock) { setupDock(audio, dock); }
    setupSeekLinks(audio);
    setupHighlight(audio, dock, setupFollow());
  }
  Array.prototype.forEach.call(document.querySelectorAll("button[data-copy]"), setupCopy);
}());
