/* The phone layout of the live board (templates/live/board.html): find a name or code, and
 * follow one entrant. The followed entrant is remembered in localStorage, per contest, so a
 * viewer who comes back finds the same entrant highlighted, shown whatever the search, and on a
 * card above the tables that scrolls to their row.
 *
 * window.CompetitionLive.phone.create(contestId, strings, sections, board) returns
 * {update(), start()}: sections is live_table.js's, board() the board held; update() marks
 * the followed row and applies the search after each drawing, start() listens to the viewer.
 */
(function () {
  "use strict";

  var fmt = window.CompetitionDom.fmt;
  var el = window.CompetitionDom.el;
  var rankText = window.CompetitionLive.table.rankText;
  var totalText = window.CompetitionLive.table.totalText;

  function create(contestId, T, sections, board) {
    var FOLLOW_KEY = "competition.live." + contestId + ".follow";
    var eventsBox = document.getElementById("live-events");
    var findBox = document.getElementById("live-find");
    var noMatchBox = document.getElementById("live-no-match");
    var followedBox = document.getElementById("live-followed");
    var query = "";
    var followed = loadFollowed(); // {key, number} of the followed entrant, or null

    function loadFollowed() {
      try {
        var stored = JSON.parse(window.localStorage.getItem(FOLLOW_KEY) || "null");
        return stored && stored.key ? stored : null;
      } catch (error) {
        return null;
      }
    }

    function saveFollowed() {
      try {
        if (followed) window.localStorage.setItem(FOLLOW_KEY, JSON.stringify(followed));
        else window.localStorage.removeItem(FOLLOW_KEY);
      } catch (error) { /* private mode: following lasts as long as the page */ }
    }

    // the followed entrant's row; matched by number too, so following survives unblinding
    function followedRow() {
      if (!followed) return null;
      var found = null;
      board().events.forEach(function (event) {
        (event.rows || []).forEach(function (row) {
          if (found) return;
          if (row.key === followed.key || (followed.number && row.number === followed.number)) {
            found = { event: event, row: row, tr: sections[event.id] && sections[event.id].rows[row.key] };
          }
        });
      });
      return found;
    }

    function renderFollowed() {
      var found = followedRow();
      Object.keys(sections).forEach(function (id) {
        var rows = sections[id].rows;
        Object.keys(rows).forEach(function (key) {
          var on = !!(found && found.tr === rows[key]);
          rows[key].classList.toggle("followed", on);
          var button = rows[key].querySelector("button.follow");
          if (button) {
            button.setAttribute("aria-pressed", on ? "true" : "false");
            button.setAttribute("aria-label", on ? T.unfollow : T.follow);
            button.title = on ? T.unfollow : T.follow;
          }
        });
      });
      followedBox.textContent = "";
      followedBox.hidden = !found;
      if (!found) return;
      var row = found.row;
      followedBox.appendChild(el("button", { type: "button", className: "live-followed-card", "data-key": row.key }, [
        el("span", { className: "live-followed-tag", text: T.following }),
        el("span", { className: "rank", text: rankText(T, row) }),
        el("span", { className: "label", text: row.label }),
        el("span", { className: "total", text: totalText(row) }),
        el("span", { className: "event", text: found.event.name })
      ]));
    }

    function scrollToFollowed() {
      var found = followedRow();
      if (found && found.tr) found.tr.scrollIntoView({ block: "center", behavior: "smooth" });
    }

    function matches(row) {
      if (!query) return true;
      var texts = [row.label, row.number, row.key].concat(
        Object.keys(row.attributes || {}).map(function (label) { return row.attributes[label]; })
      );
      return texts.some(function (text) {
        return text && String(text).toLowerCase().indexOf(query) >= 0;
      });
    }

    // the rows the search matches, and the followed row whatever the search
    function filter() {
      var any = false;
      var found = followedRow();
      board().events.forEach(function (event) {
        var parts = sections[event.id];
        if (!parts) return;
        var shown = 0;
        (event.rows || []).forEach(function (row) {
          var tr = parts.rows[row.key];
          var show = matches(row) || (found && found.tr === tr);
          tr.hidden = !show;
          if (show && matches(row)) shown += 1;
        });
        if (shown) any = true;
      });
      var nothing = !!query && !any;
      noMatchBox.hidden = !nothing;
      noMatchBox.textContent = nothing ? fmt(T.no_match, { query: findBox.value.trim() }) : "";
    }

    function update() {
      renderFollowed();
      filter();
    }

    function start() {
      findBox.addEventListener("input", function () {
        query = findBox.value.trim().toLowerCase();
        filter();
      });
      eventsBox.addEventListener("click", function (event) {
        var button = event.target.closest("button.follow");
        if (!button) return;
        var tr = button.closest("tr");
        var row = tr && tr._row;
        if (!row) return;
        var already = followed && (followed.key === row.key || (followed.number && followed.number === row.number));
        followed = already ? null : { key: row.key, number: row.number || null };
        saveFollowed();
        update();
      });
      followedBox.addEventListener("click", scrollToFollowed);
      if (followed) window.requestAnimationFrame(scrollToFollowed);
    }

    return { update: update, start: start };
  }

  var live = (window.CompetitionLive = window.CompetitionLive || {});
  live.phone = { create: create };
})();
