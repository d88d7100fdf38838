/* The top of the live board in both layouts (templates/live/_head.html): the contest's stage,
 * the connection's state, and the banner that says what the standings are (provisional,
 * frozen, hidden, published, and the revisions of published results).
 *
 * window.CompetitionLive.head.create(strings, lang) returns {draw(board), setConn(state)};
 * the texts come from the page (#live-strings), the dates are written in the page's language on
 * the clock of the contest's zone, named.
 */
(function () {
  "use strict";

  var fmt = window.CompetitionDom.fmt;
  var el = window.CompetitionDom.el;

  function create(T, lang) {
    var stageBox = document.getElementById("live-stage");
    var bannerBox = document.getElementById("live-banner");
    var connBox = document.getElementById("conn");

    var zone = null;  // the board's: it follows a change the organiser makes

    function when(iso) {
      return window.CompetitionDom.when(iso, T, lang, zone);
    }

    function draw(board) {
      stageBox.textContent = T.stages[board.status] || board.status;
      zone = board.time_zone || null;
      drawBanner(board);
    }

    function drawBanner(board) {
      var box = bannerBox;
      box.textContent = "";
      var text;
      var kind = board.published ? "published" : board.hidden ? "hidden" : board.mode;
      if (board.published) {
        if (board.status === "final") text = T.final_results;
        else if (board.publicity_ends_at) text = fmt(T.published, { time: when(board.publicity_ends_at) });
        else text = T.published_open;
      } else if (board.hidden) {
        text = T.hidden;
      } else if (board.mode === "frozen") {
        text = fmt(T.frozen, { time: when(board.frozen_at) });
      } else if (board.status === "locked") {
        text = T.locked; kind = "locked";
      } else if (board.status === "review") {
        text = T.review; kind = "review";
      } else {
        text = T.provisional;
      }
      box.setAttribute("data-kind", kind);
      box.appendChild(el("p", { className: "live-banner-text", text: text }));
      if (board.published && board.revised) {
        box.appendChild(el("p", { className: "live-revised", text: fmt(T.revised, { number: board.revision }) }));
        var list = el("ol", { className: "live-history", "aria-label": T.history });
        (board.history || []).forEach(function (entry) {
          var line = fmt(T.revision, { number: entry.number, time: when(entry.published_at) });
          list.appendChild(el("li", { text: entry.reason ? line + ": " + entry.reason : line }));
        });
        box.appendChild(el("details", { className: "live-history-box" }, [
          el("summary", { text: T.history }), list
        ]));
      }
    }

    function setConn(state) {
      connBox.setAttribute("data-state", state);
      connBox.querySelector(".conn-text").textContent = T[state] || state;
    }

    return { draw: draw, setConn: setConn };
  }

  var live = (window.CompetitionLive = window.CompetitionLive || {});
  live.head = { create: create };
})();
