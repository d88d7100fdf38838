/* The live board's standings held in the page, and how they change (no DOM: drawing is
 * live_table.js's, the socket is live_board.js's).
 *
 * The server sends `snapshot` {version, board} and `diff` {base, version, change}. A message
 * whose version is not newer than the one held is ignored; a diff is applied only on the version
 * it was made from (its base); anything else means messages were missed, and the whole board is
 * fetched again from the standings API. The diff format is competition/services/board_changes.py's
 * `diff`; `applyDiff` here mirrors its `apply_diff` (docs/protocol.md, "What a viewer does with
 * each message").
 *
 * window.CompetitionLive.standings.applyDiff(board, change) returns the board changed;
 * window.CompetitionLive.standings.hold(initial, standingsUrl, onChange) keeps {version, board}
 * and calls onChange() each time they are replaced.
 */
(function () {
  "use strict";

  function applyDiff(board, change) {
    var result = change.head ? Object.assign({}, change.head) : Object.assign({}, board);
    var events = {};
    var order = [];
    board.events.forEach(function (event) {
      events[event.id] = event;
      order.push(event.id);
    });
    (change.events || []).forEach(function (entry) {
      if (entry.replace) {
        events[entry.id] = entry.replace;
        if (order.indexOf(entry.id) < 0) order.push(entry.id);
        return;
      }
      var event = events[entry.id];
      if (!event) throw new Error("diff for an unknown event");
      if (entry.event) event = Object.assign({}, entry.event, { rows: event.rows });
      var rows = {};
      event.rows.forEach(function (row) { rows[row.key] = row; });
      (entry.removed || []).forEach(function (key) { delete rows[key]; });
      (entry.rows || []).forEach(function (row) { rows[row.key] = row; });
      (entry.patch || []).forEach(function (patch) {
        if (!rows[patch.key]) throw new Error("diff patches an unknown row");
        rows[patch.key] = Object.assign({}, rows[patch.key], patch);
      });
      var keys = entry.order || event.rows
        .map(function (row) { return row.key; })
        .filter(function (key) { return Object.prototype.hasOwnProperty.call(rows, key); });
      events[entry.id] = Object.assign({}, event, {
        rows: keys.map(function (key) {
          if (!rows[key]) throw new Error("diff orders an unknown row");
          return rows[key];
        })
      });
    });
    result.events = order.map(function (id) { return events[id]; });
    return result;
  }

  // the board held and its version; onSnapshot and onDiff take the socket's messages
  function hold(initial, standingsUrl, onChange) {
    var held = { version: initial.version, board: initial.board };
    var refetching = false;
    var refetchAgain = false;

    function replace(version, board) {
      held = { version: version, board: board };
      onChange();
    }

    function onSnapshot(message) {
      if (!message || message.version <= held.version) return;
      replace(message.version, message.board);
    }

    function onDiff(message) {
      if (!message || message.version <= held.version) return;
      if (message.base !== held.version) {
        refetch();
        return;
      }
      var board;
      try {
        board = applyDiff(held.board, message.change || {});
      } catch (error) {
        refetch();
        return;
      }
      replace(message.version, board);
    }

    // one request at a time; a gap noticed meanwhile asks again once it is answered
    function refetch() {
      if (refetching) {
        refetchAgain = true;
        return;
      }
      refetching = true;
      fetch(standingsUrl, { cache: "no-store", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error("standings " + response.status);
          return response.json();
        })
        .then(function (data) {
          if (data.version > held.version) replace(data.version, data.board);
        })
        .catch(function () { /* the next message tries again */ })
        .then(function () {
          refetching = false;
          if (refetchAgain) {
            refetchAgain = false;
            refetch();
          }
        });
    }

    return {
      version: function () { return held.version; },
      board: function () { return held.board; },
      onSnapshot: onSnapshot,
      onDiff: onDiff,
      refetch: refetch
    };
  }

  var live = (window.CompetitionLive = window.CompetitionLive || {});
  live.standings = { applyDiff: applyDiff, hold: hold };
})();
