/* What the tablet's screen does around the drawn sheets: a redraw keeps how far each grid was
 * scrolled sideways; each grid's column headings stay in view under the bar while the page
 * scrolls (a grid that scrolls sideways cannot be position: sticky against the page, so the
 * headings row is moved down instead); and a word says why a tap did nothing.
 *
 * window.CompetitionJudge.screen.attach({sheets, bar, hint}) returns {redraw(draw): runs
 * draw(), which replaces what is in `sheets`, and puts the grids back as they were scrolled;
 * hint(text): shows text in `hint`, replacing the last word, for a few seconds}.
 */
(function () {
  "use strict";

  var HINT_MS = 6000;

  function attach(parts) {
    var hintTimer = null;
    var pinning = false;

    /* {event id -> scrollLeft} of the grids shown now; or, given one, put it back. */
    function sideways(kept) {
      var found = {};
      Array.prototype.forEach.call(parts.sheets.querySelectorAll(".sheet"), function (section) {
        var grid = section.querySelector(".grid-scroll");
        var id = section.getAttribute("data-event-id");
        if (!grid) return;
        if (kept && kept[id]) grid.scrollLeft = kept[id];
        else found[id] = grid.scrollLeft;
      });
      return found;
    }

    function pinHeads() {
      var top = parts.bar.getBoundingClientRect().bottom;
      Array.prototype.forEach.call(parts.sheets.querySelectorAll("table.grid"), function (table) {
        var head = table.tHead;
        var rect = table.getBoundingClientRect();
        var offset = Math.min(Math.max(0, top - rect.top), rect.height - head.offsetHeight);
        var pinned = offset > 0;
        head.style.transform = pinned ? "translateY(" + Math.round(offset) + "px)" : "";
        head.classList.toggle("pinned", pinned);
      });
    }

    function pinSoon() {
      if (pinning) return;
      pinning = true;
      window.requestAnimationFrame(function () {
        pinning = false;
        pinHeads();
      });
    }
    window.addEventListener("scroll", pinSoon, { passive: true });
    window.addEventListener("resize", pinSoon);

    function redraw(draw) {
      var scrolled = sideways();
      draw();
      sideways(scrolled);
      pinSoon();
    }

    function hint(text) {
      parts.hint.textContent = text;
      parts.hint.hidden = false;
      window.clearTimeout(hintTimer);
      hintTimer = window.setTimeout(function () { parts.hint.hidden = true; }, HINT_MS);
    }

    return { redraw: redraw, hint: hint };
  }

  var judge = (window.CompetitionJudge = window.CompetitionJudge || {});
  judge.screen = { attach: attach };
})();
