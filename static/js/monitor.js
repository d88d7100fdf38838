/* The chief judge's monitor follows the marking live: the /monitor socket (docs/protocol.md)
 * says an event's marking moved, and the page fetches its live part again (#monitor-live,
 * rendered by the console, the same as on load).
 *
 * Fetches are coalesced: at most one a second, however fast marks arrive, and one more after
 * it when marks came meanwhile. A chief judge typing a note to a judge is not interrupted:
 * while a field of the live part has the focus, the refresh waits. After a reconnect the page
 * fetches once, for what it missed. The texts come from the page's data- attributes.
 */
(function () {
  "use strict";

  var live = document.getElementById("monitor-live");
  var state = document.getElementById("monitor-state");
  if (!live || !state || !window.io) return;
  var url = live.getAttribute("data-fragment");
  var WAIT_MS = 1000;
  var timer = null;
  var fetching = false;
  var missed = false;

  function show(name) {
    state.setAttribute("data-state", name);
    state.textContent = state.getAttribute("data-" + name) || "";
  }

  function typing() {
    var focused = document.activeElement;
    return Boolean(focused && live.contains(focused) && /^(INPUT|SELECT|TEXTAREA)$/.test(focused.tagName));
  }

  function soon() {
    if (timer === null) timer = window.setTimeout(refresh, WAIT_MS);
  }

  function refresh() {
    timer = null;
    if (fetching) {
      missed = true;
      return;
    }
    if (typing()) {
      soon();
      return;
    }
    fetching = true;
    fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html !== null && !typing()) live.innerHTML = html;
        else if (html !== null) missed = true;
      })
      .catch(function () { missed = true; })
      .then(function () {
        fetching = false;
        if (missed) {
          missed = false;
          soon();
        }
      });
  }

  var socket = window.io("/monitor", {
    transports: ["websocket", "polling"],
    auth: { event: parseInt(live.getAttribute("data-event-id"), 10) }
  });
  var connectedBefore = false;
  socket.on("connect", function () {
    show("connected");
    if (connectedBefore) soon(); // marks may have come while the socket was down
    connectedBefore = true;
  });
  socket.on("disconnect", function () { show("reconnecting"); });
  socket.on("connect_error", function (error) {
    // refused by the server (signed out, no longer this contest's): no retry helps
    show(error && error.data && error.data.code ? "refused" : "reconnecting");
  });
  socket.on("changed", soon);
})();
