/* Gentle Steps proof-listening report: each "Play this sentence" link becomes a button that plays exactly
   that sentence in the section's player (seek to its start, pause at its end). Without this file the links
   open the section MP3 with a #t=start,end media fragment, which plays the same span. */
(function () {
  "use strict";

  var stopper = null;

  function stopAt(audio, end) {
    if (stopper) { stopper(); }
    var timer = null;
    function check() {
      if (audio.currentTime >= end) { audio.pause(); }
      if (audio.paused) { release(); }
    }
    function release() {
      window.clearInterval(timer);
      audio.removeEventListener("timeupdate", check);
      audio.removeEventListener("pause", release);
      stopper = null;
    }
    // timeupdate fires only about 4 times a second: a short timer stops playback closer to the sentence's end.
    timer = window.setInterval(check, 20);
    audio.addEventListener("timeupdate", check);
    audio.addEventListener("pause", release);
    stopper = release;
  }

  function play(audio, start, end) {
    var players = document.querySelectorAll("audio");
    for (var i = 0; i < players.length; i++) {
      if (players[i] !== audio) { players[i].pause(); }
    }
    function go() {
      audio.currentTime = start;
      var started = audio.play();
      if (started && started.then) {
        started.then(function () { stopAt(audio, end); }, function () { /* the listener stopped it */ });
      } else {
        stopAt(audio, end);
      }
    }
    if (audio.readyState >= 1) {
      go();
    } else {
      audio.addEventListener("loadedmetadata", go, { once: true });
      audio.preload = "auto";
      audio.load();
    }
  }

  function upgrade(link) {
    var audio = document.getElementById(link.getAttribute("data-audio"));
    if (!audio) { return; }
    var start = parseFloat(link.getAttribute("data-start"));
    var end = parseFloat(link.getAttribute("data-end"));
    var button = document.createElement("button");
    button.type = "button";
    button.className = "play-sentence";
    while (link.firstChild) { button.appendChild(link.firstChild); }
    button.setAttribute("data-start", link.getAttribute("data-start"));
    button.setAttribute("data-end", link.getAttribute("data-end"));
    button.addEventListener("click", function () { play(audio, start, end); });
    link.parentNode.replaceChild(button, link);
  }

  var links = document.querySelectorAll("a.play-sentence[data-audio]");
  for (var i = 0; i < links.length; i++) { upgrade(links[i]); }
}());
