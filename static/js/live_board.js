/* The public live board (templates/live/board.html for phones, screen.html for the venue's
 * projector): draws the board the page carries, then keeps it current over Socket.IO.
 *
 * Namespace /live, joined with ?contest=<id>. The server sends `snapshot` {version, board}
 * and `diff` {base, version, change}. A message whose version is not newer than the one held
 * is ignored; a diff is applied only on the version it was made from (its base); anything else
 * means messages were missed, and the whole board is fetched again from the standings API.
 * The diff format is competition/services/board_changes.py's `diff`; `applyDiff` here mirrors its
 * `apply_diff`.
 *
 * Rows are kept as DOM nodes between updates so a change of order can slide them to their new
 * place (FLIP: measure, move, invert, play); a changed total flashes. The phone layout finds a
 * name or code and follows one entrant (remembered in localStorage); the big screen pages
 * through long lists. The texts come from the page (#live-strings): this file holds no language.
 */
(function () {
  "use strict";

  var root = document.getElementById("live");
  if (!root) return;
  var T = JSON.parse(document.getElementById("live-strings").textContent);
  var initial = JSON.parse(document.getElementById("live-data").textContent);
  var contestId = root.getAttribute("data-contest");
  var screen = root.getAttribute("data-layout") === "screen";
  var standingsUrl = root.getAttribute("data-standings-url");
  var lang = document.documentElement.lang || undefined;
  var FOLLOW_KEY = "competition.live." + contestId + ".follow";
  var ROWS_PER_PAGE = parseInt(root.getAttribute("data-rows") || "14", 10);
  var PAGE_MS = parseInt(root.getAttribute("data-seconds") || "10", 10) * 1000;
  var SLIDE_MS = 600;

  var stageBox = document.getElementById("live-stage");
  var bannerBox = document.getElementById("live-banner");
  var eventsBox = document.getElementById("live-events");
  var connBox = document.getElementById("conn");
  var findBox = document.getElementById("live-find");
  var noMatchBox = document.getElementById("live-no-match");
  var followedBox = document.getElementById("live-followed");
  var progressBox = document.getElementById("live-progress");
  var pageBox = document.getElementById("live-page");
  var dotsBox = document.getElementById("live-dots");

  var held = { version: initial.version, board: initial.board };
  var sections = {}; // event id -> {section, tbody, progress, head, rows: {key -> tr}}
  var socket = null;
  var refetching = false;
  var refetchAgain = false;
  var query = "";
  var followed = loadFollowed(); // {key, number} of the followed entrant, or null
  var pages = []; // screen: [{event, start}]
  var pageIndex = 0;

  // --- small helpers --------------------------------------------------------------------------

  var fmt = window.CompetitionDom.fmt;
  var el = window.CompetitionDom.el;

  function when(iso) {
    if (!iso) return "";
    var date = new Date(iso);
    if (isNaN(date.getTime())) return iso;
    return date.toLocaleString(lang, { dateStyle: "medium", timeStyle: "short" });
  }

  function rankText(row) {
    if (row.rank === null || row.rank === undefined) return "—";
    return row.shared ? fmt(T.rank_shared, { rank: row.rank }) : String(row.rank);
  }

  function attributeLabels(event) {
    var labels = [];
    (event.rows || []).forEach(function (row) {
      Object.keys(row.attributes || {}).forEach(function (label) {
        if (labels.indexOf(label) < 0) labels.push(label);
      });
    });
    return labels;
  }

  // --- the board held, and how it changes ------------------------------------------------------

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

  function replace(version, board) {
    held = { version: version, board: board };
    render();
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

  // --- drawing ---------------------------------------------------------------------------------

  function render() {
    var board = held.board;
    root.setAttribute("data-version", String(held.version));
    root.setAttribute("data-mode", board.published ? "published" : board.hidden ? "hidden" : board.mode);
    stageBox.textContent = T.stages[board.status] || board.status;
    renderBanner(board);
    var before = measure();
    var seen = {};
    board.events.forEach(function (event) {
      seen[event.id] = true;
      var parts = sections[event.id] || makeSection(event);
      eventsBox.appendChild(parts.section);
      renderEvent(parts, event, board);
    });
    Object.keys(sections).forEach(function (id) {
      if (!seen[id]) {
        sections[id].section.remove();
        delete sections[id];
      }
    });
    if (screen) {
      renderProgress(board);
      paginate();
    } else {
      renderFollowed();
      filter();
    }
    slide(before);
  }

  function renderBanner(board) {
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

  function makeSection(event) {
    var progress = el("div", { className: "live-event-progress" }, [
      el("span", { className: "live-progress-text" }),
      el("span", { className: "live-bar", "aria-hidden": "true" }, [el("span", { className: "live-bar-fill" })])
    ]);
    var head = el("thead");
    var tbody = el("tbody");
    var table = el("table", { className: "live-table" }, [head, tbody]);
    var empty = el("p", { className: "live-empty" });
    var section = el("section", { className: "live-event", "data-event-id": event.id }, [
      el("header", { className: "live-event-head" }, [el("h2", { className: "live-event-name" }), progress]),
      el("div", { className: "live-table-wrap" }, [table]),
      empty
    ]);
    var parts = { section: section, head: head, tbody: tbody, table: table, empty: empty, progress: progress, rows: {}, columns: "" };
    sections[event.id] = parts;
    return parts;
  }

  function columnsOf(event, board) {
    var columns = [{ id: "rank", title: T.rank }, { id: "label", title: board.names_open ? T.name : T.code }];
    var numbered = board.names_open && (event.rows || []).some(function (row) {
      return row.number && row.number !== row.label;
    });
    if (numbered) columns.push({ id: "number", title: T.number });
    if (event.grouped) columns.push({ id: "group", title: T.group });
    attributeLabels(event).forEach(function (label) {
      columns.push({ id: "attr", title: label, attribute: label });
    });
    columns.push({ id: "total", title: T.total }, { id: "status", title: T.status });
    if (board.published) {
      columns.push({ id: "award", title: T.award }, { id: "titles", title: T.titles }, { id: "prize", title: T.prize });
    }
    if (!screen) columns.push({ id: "follow", title: T.follow });
    return columns;
  }

  function renderEvent(parts, event, board) {
    parts.section.querySelector(".live-event-name").textContent = event.name;
    var progress = event.progress;
    parts.progress.hidden = !progress;
    if (progress) {
      parts.progress.querySelector(".live-progress-text").textContent = fmt(T.progress, progress);
      var share = progress.expected ? Math.round((100 * progress.complete) / progress.expected) : 0;
      parts.progress.querySelector(".live-bar-fill").style.width = share + "%";
    }
    var rows = event.rows || [];
    parts.table.hidden = board.hidden || rows.length === 0;
    parts.empty.hidden = board.hidden || rows.length > 0;
    parts.empty.textContent = T.no_rows;
    var columns = columnsOf(event, board);
    var signature = JSON.stringify(columns);
    var redraw = signature !== parts.columns;
    if (redraw) {
      parts.columns = signature;
      parts.head.textContent = "";
      parts.head.appendChild(el("tr", {}, columns.map(function (column) {
        return el("th", { scope: "col", className: "col-" + column.id, text: column.id === "follow" ? "" : column.title, "aria-label": column.id === "follow" ? column.title : null });
      })));
    }
    var kept = {};
    rows.forEach(function (row) {
      var tr = parts.rows[row.key];
      var previous = tr ? tr._row : null;
      if (!tr) {
        tr = el("tr", { className: "live-row" });
        parts.rows[row.key] = tr;
      }
      if (redraw || JSON.stringify(previous) !== JSON.stringify(row)) {
        drawRow(tr, row, columns, event);
        if (previous && previous.total !== row.total) flash(tr);
      }
      tr._row = row;
      kept[row.key] = true;
      parts.tbody.appendChild(tr);
    });
    Object.keys(parts.rows).forEach(function (key) {
      if (!kept[key]) {
        parts.rows[key].remove();
        delete parts.rows[key];
      }
    });
  }

  function drawRow(tr, row, columns, event) {
    tr.textContent = "";
    tr.setAttribute("data-key", row.key);
    tr.setAttribute("data-event-id", event.id);
    tr.setAttribute("data-rank", row.rank === null || row.rank === undefined ? "" : String(row.rank));
    tr.setAttribute("data-status", row.status);
    if (row.number) tr.setAttribute("data-number", row.number);
    else tr.removeAttribute("data-number");
    tr.classList.toggle("is-shared", !!row.shared);
    tr.classList.toggle("is-awarded", !!row.award);
    columns.forEach(function (column) {
      tr.appendChild(cell(column, row));
    });
  }

  function cell(column, row) {
    var td = el("td", { className: "col-" + column.id, "data-title": column.title });
    switch (column.id) {
      case "rank":
        td.appendChild(el("span", { className: "rank", text: rankText(row) }));
        if (row.decided_by) {
          td.appendChild(el("small", { className: "tiebreak", text: fmt(T.decided_by, { criterion: row.decided_by }) }));
        }
        break;
      case "label":
        td.appendChild(el("span", { className: "label", text: row.label }));
        break;
      case "number":
        td.textContent = row.number || "";
        break;
      case "group":
        td.textContent = row.group || "";
        break;
      case "attr":
        td.textContent = (row.attributes || {})[column.attribute] || "";
        break;
      case "total":
        td.appendChild(el("span", { className: "total", text: row.total === null || row.total === undefined ? "—" : row.total }));
        break;
      case "status":
        td.textContent = T.statuses[row.status] !== undefined ? T.statuses[row.status] : row.status;
        break;
      case "award":
        td.textContent = row.award || "";
        break;
      case "titles":
        td.textContent = (row.titles || []).join("、");
        break;
      case "prize":
        td.textContent = row.prize || "";
        break;
      case "follow":
        td.appendChild(el("button", { type: "button", className: "follow", "data-key": row.key, "aria-pressed": "false", "aria-label": T.follow }));
        break;
    }
    return td;
  }

  function flash(tr) {
    tr.classList.remove("flash");
    void tr.offsetWidth; // restart the animation
    tr.classList.add("flash");
  }

  eventsBox.addEventListener("animationend", function (event) {
    var tr = event.target.closest && event.target.closest("tr.flash");
    if (tr) tr.classList.remove("flash");
  });

  // FLIP: where every shown row was, where it is now, and a slide from the one to the other
  function measure() {
    var tops = new Map();
    Object.keys(sections).forEach(function (id) {
      var rows = sections[id].rows;
      Object.keys(rows).forEach(function (key) {
        var tr = rows[key];
        if (tr.isConnected && !tr.hidden) tops.set(tr, tr.getBoundingClientRect().top);
      });
    });
    return tops;
  }

  function slide(before) {
    if (window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches) return;
    var moved = [];
    before.forEach(function (top, tr) {
      if (!tr.isConnected || tr.hidden) return;
      var delta = top - tr.getBoundingClientRect().top;
      if (Math.abs(delta) < 1) return;
      tr.style.transition = "none";
      tr.style.transform = "translateY(" + delta + "px)";
      moved.push(tr);
    });
    if (!moved.length) return;
    void document.body.offsetHeight;
    moved.forEach(function (tr) {
      tr.classList.add("moving");
      tr.style.transition = "transform " + SLIDE_MS + "ms ease";
      tr.style.transform = "";
    });
    window.setTimeout(function () {
      moved.forEach(function (tr) {
        tr.classList.remove("moving");
        tr.style.transition = "";
      });
    }, SLIDE_MS + 50);
  }

  // --- phone: find and follow ------------------------------------------------------------------

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
    held.board.events.forEach(function (event) {
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
      el("span", { className: "rank", text: rankText(row) }),
      el("span", { className: "label", text: row.label }),
      el("span", { className: "total", text: row.total === null || row.total === undefined ? "—" : row.total }),
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

  function filter() {
    var any = false;
    var found = followedRow();
    held.board.events.forEach(function (event) {
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

  function setUpPhone() {
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
      renderFollowed();
      filter();
    });
    followedBox.addEventListener("click", scrollToFollowed);
  }

  // --- big screen: progress and pages ----------------------------------------------------------

  function renderProgress(board) {
    progressBox.textContent = "";
    board.events.forEach(function (event) {
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

  function paginate() {
    var current = pages[pageIndex];
    pages = [];
    held.board.events.forEach(function (event) {
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
    held.board.events.forEach(function (event) {
      var parts = sections[event.id];
      if (!parts) return;
      parts.section.hidden = !page || page.event !== event.id;
      (event.rows || []).forEach(function (row, index) {
        parts.rows[row.key].hidden = !page || index < page.start || index >= page.start + ROWS_PER_PAGE;
      });
    });
    root.setAttribute("data-page", String(pageIndex + 1));
    root.setAttribute("data-pages", String(pages.length));
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

  // --- the connection ---------------------------------------------------------------------------

  function setConn(state) {
    connBox.setAttribute("data-state", state);
    connBox.querySelector(".conn-text").textContent = T[state] || state;
  }

  function connect() {
    if (typeof window.io !== "function") {
      setConn("reconnecting");
      return;
    }
    socket = window.io("/live", {
      query: { contest: contestId },
      transports: ["websocket", "polling"] // websocket first; polling if a proxy blocks it
    });
    socket.on("connect", function () { setConn("connected"); });
    socket.on("disconnect", function () { setConn("reconnecting"); });
    socket.on("connect_error", function () { setConn("reconnecting"); });
    socket.on("snapshot", onSnapshot);
    socket.on("diff", onDiff);
  }

  render();
  if (screen) window.setInterval(nextPage, PAGE_MS);
  else {
    setUpPhone();
    if (followed) window.requestAnimationFrame(scrollToFollowed);
  }
  connect();

  // for tests and for the curious: the board held and its version
  window.liveBoard = {
    version: function () { return held.version; },
    board: function () { return held.board; },
    socket: function () { return socket; },
    nextPage: nextPage,
    applyDiff: applyDiff
  };
})();
