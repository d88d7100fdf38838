/* The judge's tablet: draws the sheets, takes marks by touch, sends them over Socket.IO
 * (namespace /judge, docs/protocol.md) and never loses one.
 *
 * Every mark gets an idempotency key and is written to localStorage (one queue per judge)
 * BEFORE it is sent; it leaves the queue only when the server acknowledges it: {ok: true}
 * (stored) or {ok: false} (refused for good: the message stays next to the cell). The queue
 * is sent in order, one mark at a time, after every connect, reconnect and page load; a
 * resend of a mark the server already stored gets the same acknowledgement and stores
 * nothing new. A mark that got no answer (no network) or was refused because the session
 * ended stays queued.
 *
 * The page works with no network: a service worker (/judge/sw.js) keeps a copy of it, and the
 * sheets as the tablet last knew them are kept in localStorage, so a reload offline shows the
 * sheet with every mark sent or queued since the copy was made.
 * The texts come from the page (#judge-strings): this file holds no language.
 *
 * This file is the page: its state (sheets, queue, refusals, connection), what an answer to a
 * mark means, the sign-off, and what the server pushes. Its parts are loaded before it, in
 * this order (templates/judge/home.html; the service worker keeps them, TABLET_ASSETS in
 * competition/web/judge.py), each hanging one member on window.CompetitionJudge:
 * judge_scale.js (a criterion's values), judge_store.js (localStorage), judge_sheet.js (a
 * sheet's cells and states), judge_draw.js (a sheet's elements), judge_screen.js (scrolling
 * and the word after a tap), judge_notices.js (the notices), judge_entry.js (the entry dialog), judge_link.js (the socket; sending the queue).
 */
(function () {
  "use strict";

  var root = document.getElementById("judge-tablet");
  if (!root) return;
  var judge = window.CompetitionJudge;
  var model = judge.sheet;
  var fmt = window.CompetitionDom.fmt;
  var el = window.CompetitionDom.el;
  var T = JSON.parse(document.getElementById("judge-strings").textContent);
  var sheets = JSON.parse(document.getElementById("judge-sheets").textContent);
  var store = judge.store.forJudge(root.getAttribute("data-judge-id"));
  // "conflict": the same cell arrived twice at once, send again; "busy": the database was
  // held by other writers too long, send again; "unauthorised": the session ended (link
  // reissued): the mark stays queued until the judge opens the new link
  // a server that failed on the mark stored nothing: like busy, the mark stays queued
  var RETRY_CODES = { conflict: true, busy: true, server_error: true };
  var SIGNED_OUT_CODES = { unauthorised: true };
  // refusals that mean the sheet on the tablet is out of date (a round closed, a sheet signed)
  var STALE_SHEET_CODES = {
    round_closed: true, signed: true, not_assigned: true, not_found: true,
    unknown_entrant: true, unknown_criterion: true, invalid_item: true, forbidden: true
  };

  var sheetsBox = document.getElementById("sheets");
  var promptBox = document.getElementById("sign-prompt");
  var display = judge.screen.attach({
    sheets: sheetsBox,
    bar: root.querySelector(".tablet-bar"),
    hint: document.getElementById("tap-hint")
  });
  var connBox = document.getElementById("conn");
  var queueBox = document.getElementById("queue");
  var notices = judge.notices.create(document.getElementById("notices"), T);
  var confirmSign = document.getElementById("confirm-sign");

  var link = null; // the connection (judge_link.js), opened last
  var connState = "connecting";
  var errors = {}; // cell id -> message of the last refused mark
  var signErrors = {}; // event id -> message

  // --- the queue and the sheets, kept in localStorage (judge_store.js) -------------------------

  var queue = store.loadQueue();
  sheets = store.restoreSheets(sheets); // the service worker's copy of the page may be older
  store.keepName(root.getAttribute("data-judge-name"));

  function saveQueue() {
    store.saveQueue(queue);
  }

  function dropFromQueue(key) {
    var before = queue.length;
    queue = store.withoutMark(queue, key);
    return before !== queue.length;
  }

  function keepSheets() {
    store.keepSheets(sheets);
  }

  // another tab of the same judge changed the queue
  window.addEventListener("storage", function (event) {
    if (event.key === store.queueKey) {
      queue = store.loadQueue();
      render();
    }
  });

  function sheetOf(eventId) {
    return model.find(sheets, eventId);
  }

  // --- drawing, and the entry dialog (judge_entry.js) ---------------------------------------

  var entry = judge.entry.attach(document.getElementById("entry"), {
    texts: T,
    sheetOf: sheetOf,
    queue: function () { return queue; },
    errorOf: function (cellId) { return errors[cellId]; },
    enter: enterMark
  });

  function render() {
    var queued = model.queuedMarks(queue);
    var view = {
      texts: T, errors: errors, signErrors: signErrors, connected: connState === "connected"
    };
    display.redraw(function () {
      sheetsBox.textContent = "";
      promptBox.textContent = "";
      if (!sheets.length) {
        sheetsBox.appendChild(el("p", { className: "empty", text: T.no_sheet }));
      }
      sheets.forEach(function (sheet) {
        sheetsBox.appendChild(judge.draw.sheet(sheet, queued, view));
        var prompt = judge.draw.prompt(sheet, queued, view);
        if (prompt) promptBox.appendChild(prompt);
      });
    });
    promptBox.hidden = !promptBox.childNodes.length;
    root.classList.toggle("has-prompt", !promptBox.hidden);
    queueBox.setAttribute("data-count", String(queue.length));
    queueBox.querySelector(".queue-count").textContent = String(queue.length);
    queueBox.classList.toggle("has-waiting", queue.length > 0);
    entry.refresh();
  }

  function setConn(state) {
    connState = state;
    connBox.setAttribute("data-state", state);
    connBox.querySelector(".conn-text").textContent = T[state];
    render();
  }

  function tapped(event) {
    var button = event.target.closest("button");
    if (!button || button.disabled) return;
    if (button.hasAttribute("data-locked")) {
      display.hint(button.getAttribute("data-reason"));
    } else if (button.classList.contains("cell")) {
      var eventId = parseInt(button.closest(".sheet").getAttribute("data-event-id"), 10);
      var id = button.getAttribute("data-cell");
      var cells = model.cellsOf(sheetOf(eventId));
      var index = cells.findIndex(function (cell) { return cell.id === id; });
      entry.open(eventId, index);
    } else if (button.getAttribute("data-action") === "next-empty") {
      entry.open(
        parseInt(button.getAttribute("data-event-id"), 10),
        parseInt(button.getAttribute("data-index"), 10)
      );
    } else if (button.getAttribute("data-action") === "sign") {
      askToSign(parseInt(button.getAttribute("data-event-id"), 10));
    }
  }
  sheetsBox.addEventListener("click", tapped);
  promptBox.addEventListener("click", tapped);

  // --- marks: queue first, then send (judge_link.js sends) ------------------------------------

  function enterMark(cell, value) {
    var mark = {
      key: judge.store.uuid(),
      event_id: cell.event_id,
      entrant: cell.entrant.code,
      item: cell.item,
      criterion: cell.criterion.name,
      value: value,
      entered_at: new Date().toISOString()
    };
    queue.push(mark);
    saveQueue(); // stored before it is sent: a reload or a crash keeps it
    delete errors[cell.id];
    render();
    if (link) link.pump();
  }

  /* Take the server's answer to a mark; say when to send the next one: "now", "later" or
   * "never" (until the next connect). */
  function acknowledged(mark, ack) {
    var id = model.cellId(mark.event_id, mark.entrant, mark.item, mark.criterion);
    var sheet = sheetOf(mark.event_id);
    if (ack && ack.ok === true) {
      if (dropFromQueue(mark.key) && sheet) {
        sheet.marks = sheet.marks.filter(function (m) {
          return model.cellId(sheet.event_id, m.entrant, m.item, m.criterion) !== id;
        });
        sheet.marks.push({
          entrant: mark.entrant,
          item: mark.item,
          criterion: mark.criterion,
          value: ack.value !== undefined ? String(ack.value) : mark.value,
          mark_id: ack.mark_id
        });
        keepSheets();
      }
      delete errors[id];
    } else if (!ack || ack.ok !== false) {
      return "later"; // an answer that says nothing: the mark stays queued
    } else if (SIGNED_OUT_CODES[ack.code]) {
      setConn("signed_out"); // resending would be refused again: wait for the new link
      return "never";
    } else if (RETRY_CODES[ack.code]) {
      return "later";
    } else if (dropFromQueue(mark.key)) { // refused for good: nothing was stored
      errors[id] = ack.message || String(ack.code);
      notices.refused(sheet, mark, errors[id]);
      if (STALE_SHEET_CODES[ack.code] && link.connected()) refreshSheets();
    }
    render();
    return "now";
  }

  // --- sign-off -----------------------------------------------------------------------------

  function askToSign(eventId) {
    var sheet = sheetOf(eventId);
    confirmSign.querySelector("#confirm-sign-text").textContent =
      fmt(T.sign_confirm, { event: sheet.event_name });
    confirmSign.setAttribute("data-event-id", String(eventId));
    confirmSign.returnValue = "";
    confirmSign.showModal();
  }

  confirmSign.addEventListener("close", function () {
    if (confirmSign.returnValue !== "sign" || !link || !link.connected()) return;
    var eventId = parseInt(confirmSign.getAttribute("data-event-id"), 10);
    link.request("sign", { event_id: eventId }, function (error, ack) {
      var sheet = sheetOf(eventId);
      if (!error && ack && ack.ok) {
        sheet.signed_at = ack.signed_at;
        delete signErrors[eventId];
        keepSheets();
      } else {
        signErrors[eventId] = fmt(T.sign_failed, {
          message: error ? T.reconnecting : (ack && (ack.message || ack.code))
        });
      }
      render();
    });
  });

  // --- what the server sends: the sheets, and the chief judge's word --------------------------

  /* Nothing pushes "scoring opened" to a tablet: while a sheet waits for a round to open,
   * ask for the sheets now and then, so its cells open without a reload. */
  var WAITING_POLL_MS = 30000;
  window.setInterval(function () {
    var waiting = sheets.some(function (sheet) {
      return !sheet.signed_at && model.openCells(sheet) < model.cellsOf(sheet).length;
    });
    if (waiting && link && link.connected()) refreshSheets();
  }, WAITING_POLL_MS);

  /* Marks other judges left on this tablet (their link was replaced before they were sent):
   * they stay theirs, and this says so until they are sent. */
  function othersWaiting() {
    judge.store.waitingOfOthers(root.getAttribute("data-judge-id")).forEach(function (other) {
      notices.notice(fmt(T.others_waiting, {
        count: other.count, judge: other.name || "#" + other.judge_id
      }));
    });
  }

  function refreshSheets() {
    link.request("sheet", {}, function (error, ack) {
      if (error || !ack || !ack.ok || !Array.isArray(ack.sheets)) return;
      sheets = judge.store.keepReasons(ack.sheets, sheets);
      keepSheets();
      render();
    });
  }

  function recheck(data) {
    var sheet = sheetOf(data.event_id);
    if (sheet) notices.recheck(sheet, data);
  }

  function corrected(data) {
    var sheet = sheetOf(data.event_id);
    if (!sheet) return;
    sheet.marks = sheet.marks.filter(function (m) {
      return !(m.entrant === data.entrant && m.item === data.item &&
        m.criterion === data.criterion);
    });
    sheet.marks.push({
      entrant: data.entrant,
      item: data.item,
      criterion: data.criterion,
      value: String(data.value),
      mark_id: data.mark_id,
      reason: data.reason
    });
    keepSheets();
    notices.corrected(sheet, data);
    render();
  }

  // for the browser tests and for someone debugging a tablet
  window.judgeTablet = {
    queue: function () { return queue.slice(); },
    socket: function () { return link ? link.socket() : null; },
    state: function () { return connState; }
  };

  /* Keep this page and its files for a reload with no network (secure contexts only:
   * https, or http://localhost). Without a worker the page still works online. */
  function registerServiceWorker() {
    var script = root.getAttribute("data-service-worker");
    if (!script || !("serviceWorker" in navigator)) return;
    try {
      navigator.serviceWorker.register(script).catch(function () { /* online only, then */ });
    } catch (error) { /* the same */ }
  }

  render();
  othersWaiting();
  link = judge.link.open({
    judgeId: parseInt(root.getAttribute("data-judge-id"), 10),
    queue: function () { return queue; },
    answered: acknowledged,
    state: setConn,
    connected: refreshSheets,
    on: { recheck: recheck, corrected: corrected }
  });
  if (navigator.onLine === false) setConn("offline");
  registerServiceWorker();
})();
