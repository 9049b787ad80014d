/* The client's screen: follows the server's stream of the client view and draws it calmly.

   The server sends a view when it changes; times come as seconds into the current stage at
   sending, and the page counts on from performance.now() (never the tablet's own clock).
   Changes cross-fade; the pacer is drawn every animation frame only while it is on screen;
   the line under a step shrinks by a CSS transition; the ground drifts in colour very slowly.
   When the link drops the last view stays and a small dim mark says it is reconnecting. */
"use strict";
(function () {
  const root = document.documentElement;
  const params = new URLSearchParams(location.search);
  const token = params.get("t") || "";
  const scale = clamp(parseFloat(params.get("scale")) || parseFloat(root.dataset.scale) || 1, 0.5, 3);
  root.style.setProperty("--scale", String(scale));

  const stage = document.getElementById("stage");
  const mark = document.getElementById("mark");
  const FADE_MS = 1700;
  const SILENCE_MS = 45000; // three keepalives missed: the link is dead even if no one said so
  const AMBIENT_STEP_MS = 2000;
  const AMBIENT_PERIOD_S = 20 * 60;

  // What the tests and the benchmark read: every change shown, with the time it was shown.
  const record = { changes: [], connected: false, view: null, wakeLock: "none" };
  window.__companion = record;

  let layer = null; // the layer on screen
  let layerKey = null;
  let breathing = null; // {pattern, rounds, elapsed, held, anchor, disc, word, round}
  let frameRequest = 0;

  function clamp(x, low, high) {
    return Math.min(high, Math.max(low, x));
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function svg(tag, attributes) {
    const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const name in attributes) node.setAttribute(name, attributes[name]);
    return node;
  }

  // -- the ambient ground: the terminal display's colour, hue 200 +- 50, lightness 5-8 % -----

  function drift() {
    const phase = (2 * Math.PI * (Date.now() / 1000)) / AMBIENT_PERIOD_S;
    const hue = 200 + 50 * Math.sin(phase);
    const lightness = 6.5 + 1.5 * Math.sin(phase / 2);
    document.body.style.backgroundColor = "hsl(" + hue.toFixed(2) + ", 35%, " + lightness.toFixed(3) + "%)";
  }

  // -- building a view --------------------------------------------------------------------

  function keyOf(view) {
    const e = view.exercise;
    if (!e) return [view.mode, view.words, view.status].join("\u0000");
    return ["exercise", e.stage, e.text, e.kind].join("\u0000");
  }

  function build(view) {
    const e = view.exercise;
    if (!e) {
      if (view.words) return el("p", "layer words", view.words);
      return el("p", view.mode === "ended" ? "layer status ended" : "layer status", view.status || "");
    }
    if (e.stage === "breathing" && e.pattern) return buildBreathing();
    const box = el("section", "layer step");
    box.appendChild(el("p", "say", e.text));
    const total = e.dots[1];
    if (total > 0) {
      const dots = el("div", "dots");
      for (let i = 0; i < total; i++) dots.appendChild(el("span"));
      box.appendChild(dots);
    }
    const line = el("div", "line");
    line.appendChild(el("div"));
    box.appendChild(line);
    return box;
  }

  function buildBreathing() {
    const box = el("section", "layer breathing");
    const picture = svg("svg", { viewBox: "-100 -100 200 200", "aria-hidden": "true" });
    picture.appendChild(svg("circle", { class: "guide", cx: 0, cy: 0, r: 90 }));
    const disc = svg("circle", { class: "disc", cx: 0, cy: 0, r: 90 * window.CompanionPacer.SMALLEST });
    picture.appendChild(disc);
    box.appendChild(picture);
    box.appendChild(el("p", "word", ""));
    box.appendChild(el("p", "round", ""));
    return box;
  }

  // -- updating a view in place (the same layer, time moving on) ----------------------------

  function update(view, anchor) {
    const e = view.exercise;
    breathing = null;
    if (!e) return;
    if (e.stage === "breathing" && e.pattern) {
      breathing = {
        pattern: e.pattern,
        rounds: e.rounds,
        elapsed: e.elapsed,
        held: e.held,
        anchor: anchor,
        disc: layer.querySelector(".disc"),
        word: layer.querySelector(".word"),
        round: layer.querySelector(".round"),
        shown: "",
      };
      drawBreath();
      return;
    }
    const index = e.dots[0];
    const dots = layer.querySelectorAll(".dots span");
    dots.forEach(function (dot, i) {
      dot.className = index === null ? "" : i < index ? "done" : i === index ? "now" : "";
    });
    const fill = layer.querySelector(".line div");
    if (fill) {
      const left = e.stageSeconds > 0 ? clamp(1 - e.elapsed / e.stageSeconds, 0, 1) : 0;
      fill.style.transition = "none";
      fill.style.transform = "scaleX(" + left + ")";
      if (!e.held && left > 0) {
        void fill.offsetWidth; // start the transition from where the line is now
        fill.style.transition = "transform " + (left * e.stageSeconds).toFixed(3) + "s linear";
        fill.style.transform = "scaleX(0)";
      }
    }
  }

  function breathElapsed(b, now) {
    return b.held ? b.elapsed : b.elapsed + (now - b.anchor) / 1000;
  }

  function drawBreath() {
    frameRequest = 0;
    const b = breathing;
    if (!b) return;
    const pacer = window.CompanionPacer;
    const frame = pacer.pacerAt(b.pattern, b.rounds, breathElapsed(b, performance.now()));
    b.disc.setAttribute("r", (90 * pacer.discShare(frame.size)).toFixed(3));
    const words = frame.word;
    if (words !== b.shown) {
      b.shown = words;
      b.word.textContent = words;
    }
    const round = frame.part === "done" ? "" : frame.round + " of " + b.rounds;
    if (b.round.textContent !== round) b.round.textContent = round;
    if (!b.held && frame.part !== "done") frameRequest = requestAnimationFrame(drawBreath);
  }

  // -- showing a view ---------------------------------------------------------------------

  function show(view, anchor) {
    record.view = view;
    const key = keyOf(view);
    if (key !== layerKey) {
      const next = build(view);
      stage.appendChild(next);
      const previous = layer;
      layer = next;
      layerKey = key;
      void next.offsetWidth; // let it be drawn transparent first, so it fades in
      next.classList.add("shown");
      if (previous) {
        previous.classList.remove("shown");
        setTimeout(function () {
          previous.remove();
        }, FADE_MS);
      }
      const text = view.exercise ? view.exercise.text : view.words || view.status;
      record.changes.push({ text: text, at: performance.timeOrigin + performance.now() });
      if (record.changes.length > 500) record.changes.splice(0, 100);
    }
    if (frameRequest) cancelAnimationFrame(frameRequest);
    frameRequest = 0;
    update(view, anchor);
  }

  // -- the link ---------------------------------------------------------------------------

  let socket = null;
  let retry = 1000;
  let heard = 0;
  let markTimer = 0;

  function connect() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + "/stream?t=" + encodeURIComponent(token));
    socket.onopen = function () {
      retry = 1000;
      heard = performance.now();
    };
    socket.onmessage = function (event) {
      heard = performance.now();
      setConnected(true);
      let message;
      try {
        message = JSON.parse(event.data);
      } catch (error) {
        return;
      }
      if (message.type === "view") show(message, heard);
    };
    socket.onclose = function () {
      socket = null;
      setConnected(false);
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 8000);
    };
    socket.onerror = function () {}; // onclose follows and says what to do
  }

  function setConnected(connected) {
    record.connected = connected;
    clearTimeout(markTimer);
    if (connected) {
      mark.classList.remove("shown");
    } else {
      // A blink of the network is not worth a mark; a real drop is.
      markTimer = setTimeout(function () {
        mark.textContent = "reconnecting";
        mark.classList.add("shown");
      }, 1500);
    }
  }

  setInterval(function () {
    if (socket && socket.readyState === WebSocket.OPEN && performance.now() - heard > SILENCE_MS) socket.close();
  }, 5000);

  // -- a tablet: keep the screen awake, full screen on a tap -------------------------------

  let wakeLock = null;

  // Where the Wake Lock API is missing (it needs https, or this computer's own address), a
  // muted, silent video of a still canvas plays out of sight: browsers keep a screen awake
  // while a video plays. It starts on a tap, as browsers only let a video play after one.
  let stillVideo = null;

  function playStillVideo() {
    if (stillVideo !== null) return;
    const canvas = el("canvas");
    canvas.width = canvas.height = 2;
    if (!canvas.captureStream) {
      record.wakeLock = "unsupported";
      return;
    }
    const context = canvas.getContext("2d");
    context.fillStyle = "#0b1013";
    context.fillRect(0, 0, 2, 2);
    stillVideo = el("video", "still");
    stillVideo.muted = true;
    stillVideo.playsInline = true;
    stillVideo.setAttribute("playsinline", "");
    stillVideo.setAttribute("aria-hidden", "true");
    stillVideo.srcObject = canvas.captureStream(1);
    document.body.appendChild(stillVideo);
    const playing = stillVideo.play();
    record.wakeLock = "video";
    if (playing && playing.catch) {
      playing.catch(function () {
        record.wakeLock = "unsupported";
        stillVideo.remove();
        stillVideo = null;
      });
    }
  }

  async function keepAwake(event) {
    if (!("wakeLock" in navigator)) {
      if (event && event.type !== "visibilitychange") playStillVideo();
      else if (record.wakeLock === "none") record.wakeLock = "unsupported";
      return;
    }
    if (wakeLock !== null || document.visibilityState !== "visible") return;
    try {
      wakeLock = await navigator.wakeLock.request("screen");
      record.wakeLock = "held";
      wakeLock.addEventListener("release", function () {
        wakeLock = null;
        record.wakeLock = "released";
      });
    } catch (error) {
      record.wakeLock = "refused"; // a tap (a user gesture) asks again
    }
  }

  function fullScreen(event) {
    const request = root.requestFullscreen || root.webkitRequestFullscreen;
    const current = document.fullscreenElement || document.webkitFullscreenElement;
    if (request && !current) {
      try {
        const pending = request.call(root);
        if (pending && pending.catch) pending.catch(function () {});
      } catch (error) {
        /* not allowed here: the page stays as it is */
      }
    }
    keepAwake(event);
  }

  document.addEventListener("visibilitychange", keepAwake);
  document.addEventListener("click", fullScreen);
  document.addEventListener("touchend", fullScreen, { passive: true });

  drift();
  setInterval(drift, AMBIENT_STEP_MS);
  keepAwake();
  connect();
})();
