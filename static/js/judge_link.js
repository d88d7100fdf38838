/* The tablet's link to the server: one Socket.IO connection (namespace /judge,
 * docs/protocol.md) that sends the waiting marks in order, one at a time, and follows the
 * device's network.
 *
 * A mark goes only when the one before it was answered, the oldest first, after every connect,
 * reconnect and answer. A mark with no answer in time means the link is dead without knowing
 * it: the link starts again and the mark, still first in the queue, goes again with its key.
 * What an answer means (drop the mark, keep it, show a refusal) is the page's business
 * (judge_tablet.js): this file only moves marks and says how the connection is.
 *
 * window.CompetitionJudge.link.open(page) connects and returns {socket(), connected(),
 * request(event, data, callback), pump()}; page is {judgeId (sent at connect: the server
 * refuses a page of another judge than the session's), queue() -> the waiting marks, oldest
 * first; answered(mark, ack) -> "now", "later" or "never" (until the next connect): when to
 * send the next one; state(name): connecting, connected, reconnecting, offline, signed_out
 * or other_judge (the browser has since opened another judge's link: nothing is sent); connected(): just connected (the marks go right after); on: {event -> handler}
 * for what the server pushes}. request() sends an event with the same answer timeout as marks.
 */
(function () {
  "use strict";

  var ACK_TIMEOUT_MS = 10000;
  var RETRY_MS = 1000;

  function payload(mark) {
    return {
      key: mark.key,
      event_id: mark.event_id,
      entrant: mark.entrant,
      item: mark.item,
      criterion: mark.criterion,
      value: mark.value
    };
  }

  function open(page) {
    var socket = null;
    var inFlight = null; // the key of the mark sent and not yet acknowledged
    var generation = 0; // bumped on every disconnect: older callbacks are ignored

    /* Send the oldest waiting mark; the next one goes when it is acknowledged. */
    function pump() {
      var queue = page.queue();
      if (inFlight || !socket || !socket.connected || !queue.length) return;
      var mark = queue[0];
      var sentIn = generation;
      inFlight = mark.key;
      socket.timeout(ACK_TIMEOUT_MS).emit("mark", payload(mark), function (error, ack) {
        if (sentIn !== generation) {
          if (!error && ack) page.answered(mark, ack); // late but true: still good news
          return;
        }
        inFlight = null;
        if (error) {
          // no answer in time: the link is dead without knowing it; start it again
          reconnectNow();
          return;
        }
        var next = page.answered(mark, ack);
        if (next === "now") pump();
        else if (next === "later") window.setTimeout(pump, RETRY_MS);
      });
    }

    function request(event, data, callback) {
      socket.timeout(ACK_TIMEOUT_MS).emit(event, data, callback);
    }

    function connected() {
      return Boolean(socket && socket.connected);
    }

    function reconnectNow() {
      generation += 1;
      inFlight = null;
      if (!socket) return;
      socket.disconnect();
      if (navigator.onLine !== false) socket.connect();
    }

    function connect() {
      if (typeof window.io !== "function") {
        page.state("offline");
        return;
      }
      socket = window.io("/judge", {
        transports: ["websocket", "polling"], // websocket first; polling if a proxy blocks it
        tryAllTransports: true,
        // a page opened with no network waits for the "online" event instead of trying
        autoConnect: navigator.onLine !== false,
        reconnectionDelay: 500,
        reconnectionDelayMax: 5000,
        timeout: 10000,
        auth: { judge_id: page.judgeId }
      });
      follow(socket);
      Object.keys(page.on).forEach(function (name) { socket.on(name, page.on[name]); });
    }

    function follow(socket) {
      socket.on("connect", function () {
        page.state("connected");
        page.connected();
        pump();
      });
      socket.on("disconnect", function (reason) {
        generation += 1;
        inFlight = null;
        if (reason === "io server disconnect") {
          page.state("signed_out"); // the server ended the session (link reissued or revoked)
        } else {
          page.state(navigator.onLine === false ? "offline" : "reconnecting");
        }
      });
      socket.on("connect_error", function (error) {
        var code = error && error.data && error.data.code;
        if (code === "other_judge") page.state("other_judge"); // never sent as someone else
        else if (!socket.active) page.state("signed_out"); // refused at connect: no session
        else page.state(navigator.onLine === false ? "offline" : "reconnecting");
      });
      socket.io.on("reconnect_attempt", function () {
        if (!socket.connected) page.state(navigator.onLine === false ? "offline" : "reconnecting");
      });
    }

    // The device says it has no network: do not wait for a ping timeout to notice.
    window.addEventListener("offline", function () {
      generation += 1;
      inFlight = null;
      if (socket) socket.disconnect();
      page.state("offline");
    });
    window.addEventListener("online", function () {
      if (socket && !socket.connected) {
        page.state("reconnecting");
        socket.connect();
      }
    });

    connect();
    return {
      socket: function () { return socket; },
      connected: connected,
      request: request,
      pump: pump
    };
  }

  var judge = (window.CompetitionJudge = window.CompetitionJudge || {});
  judge.link = { open: open };
})();
