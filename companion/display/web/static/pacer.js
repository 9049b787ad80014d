/* Where a paced breath is at any instant: the same formula as companion/core/breathing.py
   (pacer_at), so the page, the console and a terminal display breathe together. Each frame is
   computed from the seconds elapsed, never accumulated from frame to frame. */
"use strict";
(function () {
  const RESOLUTION = 1e-6;
  const SMALLEST = 0.3; // the disc at rest, as a share of its full size (the console's pacer)
  const WORDS = { in: "Breathe in", hold: "Hold", out: "Breathe out", rest: "Rest", done: "" };

  function ease(fraction) {
    fraction = Math.min(1, Math.max(0, fraction));
    return (1 - Math.cos(Math.PI * fraction)) / 2;
  }

  // Python's float floor division (a // b), which Math.floor(a / b) does not always match.
  function floorDiv(a, b) {
    let mod = a % b;
    let div = (a - mod) / b;
    if (mod && (b < 0) !== (mod < 0)) {
      mod += b;
      div -= 1;
    }
    if (!div) return 0;
    let whole = Math.floor(div);
    if (div - whole > 0.5) whole += 1;
    return whole;
  }

  function roundTo6(x) {
    return Math.round(x * 1e6) / 1e6;
  }

  function frame(part, seconds, within, round) {
    const left = seconds - within;
    const count = Math.max(1, Math.ceil(roundTo6(left)));
    const fraction = within / seconds;
    let size = 0;
    if (part === "in") size = ease(fraction);
    else if (part === "hold") size = 1;
    else if (part === "out") size = 1 - ease(fraction);
    return { part: part, word: WORDS[part], count: count, size: size, round: round, progress: fraction };
  }

  function done(rounds) {
    return { part: "done", word: "", count: 0, size: 0, round: Math.max(0, rounds), progress: 1 };
  }

  // pattern: {in, hold, out, rest} in seconds; elapsed: seconds since the first in-breath began.
  function pacerAt(pattern, rounds, elapsed) {
    const cycle = pattern.in + pattern.hold + pattern.out + pattern.rest;
    if (cycle <= 0 || rounds <= 0) return done(rounds);
    elapsed = Math.max(0, Math.round(elapsed / RESOLUTION) * RESOLUTION);
    if (elapsed >= cycle * rounds - RESOLUTION / 2) return done(rounds);
    const index = Math.min(rounds - 1, floorDiv(elapsed, cycle));
    let into = elapsed - index * cycle;
    into = Math.min(Math.max(into, 0), cycle);
    const parts = [["in", pattern.in], ["hold", pattern.hold], ["out", pattern.out], ["rest", pattern.rest]];
    let start = 0;
    for (const [part, seconds] of parts) {
      if (seconds <= 0) continue;
      if (into < start + seconds - RESOLUTION / 2 || part === "rest" || start + seconds >= cycle) {
        const within = Math.min(Math.max(into - start, 0), seconds);
        return frame(part, seconds, within, index + 1);
      }
      start += seconds;
    }
    return done(rounds);
  }

  // The disc's radius as a share of the full one, as the console's pacer draws it.
  function discShare(size) {
    return SMALLEST + (1 - SMALLEST) * size;
  }

  window.CompanionPacer = { pacerAt: pacerAt, ease: ease, discShare: discShare, SMALLEST: SMALLEST };
})();
