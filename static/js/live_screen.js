/* The big-screen layout of the live board (templates/live/screen.html, 1920×1080): the
 * progress of every event and the latest accepted marks beside the tables, and pages of a fixed number of rows shown in
 * turn, since nobody scrolls a projector. The QR code of the phone view is drawn by the server.
 *
 * window.CompetitionLive.screen.create(root, strings, sections, board) returns
 * {update(), nextPage(), start()}: sections is live_table.js's, board() the board held; the
 * most rows a page and the seconds a page come from #live's data-rows and data-seconds. Every
 * row has the same height (live.css's --live-row, one line, long texts cut with "…"), so a
 * page holds as many rows as fit below the table's head, and no rank is ever hidden below the
 * screen's edge. update() redraws the progress and the pages after each drawing, start()
 * turns the pages.
 */
(function () {
  "use strict";

  var fmt = window.CompetitionDom.fmt;
  var el = window.CompetitionDom.el;

  function create(root, T, sections, board) {
    var MAX_ROWS = parseInt(root.getAttribute("data-rows") || "14", 10);
    var ROWS_PER_PAGE = MAX_ROWS;
    var eventsBox = document.getElementById("live-events");
    var PAGE_MS = parseInt(root.getAttribute("data-seconds") || "10", 10) * 1000;
    var progressBox = document.getElementById("live-progress");
    var recentBox = document.getElementById("live-recent");
    var recentList = document.getElementById("live-recent-list");
    var seenMarks = null; // the ids of the marks drawn last time
    var pageBox = document.getElementById("live-page");
    var dotsBox = document.getElementById("live-dots");
    var pages = []; // [{event, start}]
    var pageIndex = 0;

    function renderProgress() {
      progressBox.textContent = "";
      board().events.forEach(function (event) {
        if (!event.progress) return;
        var share = event.progress.expected
          ? Math.round((100 * event.progress.complete) / event.progress.expected) : 0;
        progressBox.appendChild(el("div", { className: "live-side-progress" }, [
          el("h3", { text: event.name }),
          el("p", { text: fmt(T.progress, event.progress) }),
          el("span", { className: "live-bar", "aria-hidden": "true" }, [
            el("span", { className: "live-bar-fill", style: "width: " + share + "%" })
          ])
        ]));
      });
    }

    // how many rows fit: measured on one event's table shown alone (every event's head and
    // column heads are one line each, so the answer is the same for all of them)
    function rowsThatFit() {
      var events = board().events.filter(function (event) {
        return sections[event.id] && !sections[event.id].table.hidden;
      });
      if (!events.length) return MAX_ROWS;
      var measured = sections[events[0].id];
      Object.keys(sections).forEach(function (id) {
        sections[id].section.hidden = sections[id] !== measured;
      });
      var rowHeight = parseFloat(window.getComputedStyle(root).getPropertyValue("--live-row")) || 52;
      var bottom = eventsBox.getBoundingClientRect().bottom;
      var top = measured.tbody.getBoundingClientRect().top;
      return Math.max(1, Math.min(MAX_ROWS, Math.floor((bottom - top) / rowHeight)));
    }

    // the latest accepted marks, newest first, as many as the panel holds whole
    function renderRecent() {
      var recent = board().recent || [];
      recentBox.hidden = !recent.length;
      recentList.textContent = "";
      var seen = {};
      recent.forEach(function (mark) {
        var what = [mark.item, mark.criterion].filter(Boolean).join(" · ");
        var arrived = seenMarks !== null && !seenMarks[mark.id]; // new since the last drawing
        seen[mark.id] = true;
        recentList.appendChild(el("li", { className: "live-recent-mark" + (arrived ? " is-new" : ""), "data-mark-id": String(mark.id) }, [
          el("span", { className: "live-recent-entrant", text: mark.entrant }),
          el("span", { className: "live-recent-value", text: mark.value === null || mark.value === undefined ? T.recent_marked : mark.value }),
          el("span", { className: "live-recent-what", text: what })
        ]));
      });
      seenMarks = seen;
      var bottom = recentList.getBoundingClientRect().bottom;
      Array.prototype.slice.call(recentList.children).forEach(function (item) {
        if (item.getBoundingClientRect().bottom > bottom + 1) item.remove();
      });
    }

    function paginate() {
      var current = pages[pageIndex];
      ROWS_PER_PAGE = rowsThatFit();
      pages = [];
      board().events.forEach(function (event) {
        var count = (event.rows || []).length;
        for (var start = 0; start === 0 || start < count; start += ROWS_PER_PAGE) {
          pages.push({ event: event.id, start: start });
        }
      });
      // stay on the page shown when the board changes under it
      pageIndex = 0;
      if (current) {
        pages.forEach(function (page, index) {
          if (page.event === current.event && page.start === current.start) pageIndex = index;
        });
      }
      showPage();
    }

    function showPage() {
      var page = pages[pageIndex];
      board().events.forEach(function (event) {
        var parts = sections[event.id];
        if (!parts) return;
        parts.section.hidden = !page || page.event !== event.id;
        (event.rows || []).forEach(function (row, index) {
          parts.rows[row.key].hidden = !page || index < page.start || index >= page.start + ROWS_PER_PAGE;
        });
      });
      root.setAttribute("data-page", String(pageIndex + 1));
      root.setAttribute("data-pages", String(pages.length));
      root.setAttribute("data-page-rows", String(ROWS_PER_PAGE));
      pageBox.textContent = pages.length > 1 ? fmt(T.page, { page: pageIndex + 1, pages: pages.length }) : "";
      dotsBox.textContent = "";
      if (pages.length > 1) {
        pages.forEach(function (_, index) {
          dotsBox.appendChild(el("li", { className: index === pageIndex ? "current" : "" }));
        });
      }
    }

    function nextPage() {
      if (pages.length < 2) return;
      pageIndex = (pageIndex + 1) % pages.length;
      showPage();
    }

    function update() {
      renderProgress();
      renderRecent();
      paginate();
    }

    function start() {
      window.setInterval(nextPage, PAGE_MS);
      window.addEventListener("resize", paginate);
    }

    return { update: update, nextPage: nextPage, start: start };
  }

  var live = (window.CompetitionLive = window.CompetitionLive || {});
  live.screen = { create: create };
})();
