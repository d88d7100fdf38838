/* The public live board (templates/live/board.html for phones, screen.html for the venue's
 * projector): draws the board the page carries, then keeps it current over Socket.IO. This file
 * starts the page and holds the connection; the rest is done by the files loaded before it:
 *
 *   live_standings.js  the board held, diffs applied, a refetch when messages were missed
 *   live_head.js       the stage, the connection's state and the banner
 *   live_table.js      the tables drawn, and the rank-change slide
 *   live_phone.js      the phone's find-and-follow (board.html only)
 *   live_screen.js     the big screen's progress and pages (screen.html only)
 *
 * Namespace /live, joined with ?contest=<id>; its messages, `snapshot` and `diff`, go to the
 * standings held, and every board they hold is drawn. The texts come from the page
 * (#live-strings): these files hold no language.
 */
(function () {
  "use strict";

  var root = document.getElementById("live");
  if (!root) return;
  var live = window.CompetitionLive;
  var T = JSON.parse(document.getElementById("live-strings").textContent);
  var initial = JSON.parse(document.getElementById("live-data").textContent);
  var contestId = root.getAttribute("data-contest");
  var screen = root.getAttribute("data-layout") === "screen";
  var lang = document.documentElement.lang || undefined;

  var standings = live.standings.hold(initial, root.getAttribute("data-standings-url"), render);
  var head = live.head.create(T, lang);
  var table = live.table.create(document.getElementById("live-events"), T, { follow: !screen });
  // the layout shows and hides the rows drawn: the phone by its search, the screen by pages
  var layout = screen
    ? live.screen.create(root, T, table.sections, standings.board)
    : live.phone.create(contestId, T, table.sections, standings.board);
  var socket = null;

  function render() {
    var board = standings.board();
    root.setAttribute("data-version", String(standings.version()));
    root.setAttribute("data-mode", board.published ? "published" : board.hidden ? "hidden" : board.mode);
    head.draw(board);
    var before = table.measure();
    table.draw(board);
    layout.update();
    table.slide(before);
  }

  function connect() {
    if (typeof window.io !== "function") {
      head.setConn("reconnecting");
      return;
    }
    socket = window.io("/live", {
      query: { contest: contestId },
      transports: ["websocket", "polling"] // websocket first; polling if a proxy blocks it
    });
    socket.on("connect", function () { head.setConn("connected"); });
    socket.on("disconnect", function () { head.setConn("reconnecting"); });
    socket.on("connect_error", function () { head.setConn("reconnecting"); });
    socket.on("snapshot", standings.onSnapshot);
    socket.on("diff", standings.onDiff);
  }

  render();
  layout.start();
  connect();

  // for tests and for the curious: the board held and its version
  window.liveBoard = {
    version: standings.version,
    board: standings.board,
    socket: function () { return socket; },
    // the phone has a single page
    nextPage: screen ? layout.nextPage : function () {},
    applyDiff: live.standings.applyDiff
  };
})();
