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
 */
(function () {
  "use strict";

  var root = document.getElementById("judge-tablet");
  if (!root) return;
  var T = JSON.parse(document.getElementById("judge-strings").textContent);
  var sheets = JSON.parse(document.getElementById("judge-sheets").textContent);
  var judgeId = root.getAttribute("data-judge-id");
  var QUEUE_KEY = "competition.judge." + judgeId + ".queue";
  var SHEETS_KEY = "competition.judge." + judgeId + ".sheets";
  var ACK_TIMEOUT_MS = 10000;
  var RETRY_MS = 1000;
  // "conflict": the same cell arrived twice at once, send again; "unauthorised": the session
  // ended (link reissued): the mark stays queued until the judge opens the new link
  var RETRY_CODES = { conflict: true };
  var SIGNED_OUT_CODES = { unauthorised: true };
  // refusals that mean the sheet on the tablet is out of date (a round closed, a sheet signed)
  var STALE_SHEET_CODES = {
    round_closed: true, signed: true, not_assigned: true, not_found: true,
    unknown_entrant: true, unknown_criterion: true, invalid_item: true, forbidden: true
  };

  var sheetsBox = document.getElementById("sheets");
  var connBox = document.getElementById("conn");
  var queueBox = document.getElementById("queue");
  var noticesBox = document.getElementById("notices");
  var entry = document.getElementById("entry");
  var confirmSign = document.getElementById("confirm-sign");

  var socket = null;
  var connState = "connecting";
  var inFlight = null; // the key of the mark sent and not yet acknowledged
  var generation = 0; // bumped on every disconnect: older callbacks are ignored
  var errors = {}; // cell id -> message of the last refused mark
  var signErrors = {}; // event id -> message
  var editing = null; // {event_id, index} of the cell in the entry dialog
  var typed = ""; // the keypad's text

  // --- small helpers --------------------------------------------------------------------------

  var fmt = window.CompetitionDom.fmt;
  var el = window.CompetitionDom.el;

  function uuid() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    // a tablet on http://<venue server> is not a secure context: no randomUUID there
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) {
      return (b + 0x100).toString(16).slice(1);
    }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20),
      hex.slice(20)].join("-");
  }

  function cellId(eventId, entrant, item, criterion) {
    return [eventId, entrant, item, criterion].join("|");
  }

  // --- the queue in localStorage ----------------------------------------------------------------

  function loadQueue() {
    try {
      var stored = JSON.parse(window.localStorage.getItem(QUEUE_KEY) || "[]");
      return Array.isArray(stored) ? stored : [];
    } catch (error) {
      return [];
    }
  }

  var queue = loadQueue();

  function saveQueue() {
    window.localStorage.setItem(QUEUE_KEY, JSON.stringify(queue));
  }

  function dropFromQueue(key) {
    var before = queue.length;
    queue = queue.filter(function (mark) { return mark.key !== key; });
    if (queue.length !== before) saveQueue();
    return before !== queue.length;
  }

  // --- the sheets as the tablet last knew them ---------------------------------------------------

  /* A correction's reason is known from the "corrected" event; keep it when the same mark
   * comes back from the server without one. */
  function keepReasons(fresh, known) {
    var reasons = {};
    (known || []).forEach(function (sheet) {
      (sheet.marks || []).forEach(function (mark) {
        if (mark.reason) reasons[mark.mark_id] = mark.reason;
      });
    });
    fresh.forEach(function (sheet) {
      sheet.marks.forEach(function (mark) {
        if (!mark.reason && reasons[mark.mark_id]) mark.reason = reasons[mark.mark_id];
      });
    });
    return fresh;
  }

  function keepSheets() {
    try {
      window.localStorage.setItem(SHEETS_KEY, JSON.stringify(sheets));
    } catch (error) { /* storage full or denied: the page still works online */ }
  }

  function newestMark(list) {
    var newest = 0;
    list.forEach(function (sheet) {
      (sheet.marks || []).forEach(function (mark) { newest = Math.max(newest, mark.mark_id || 0); });
    });
    return newest;
  }

  function sameEvents(one, other) {
    var ids = function (list) {
      return list.map(function (sheet) { return sheet.event_id; }).sort().join(",");
    };
    return ids(one) === ids(other);
  }

  /* The page may be the service worker's copy, made before marks the tablet has sent since:
   * the sheets kept on the tablet win unless the page knows a mark they do not (mark ids only
   * grow: a correction or a new mark has a higher one). Online, the "sheet" event on connect
   * brings the server's sheets anyway. */
  (function restoreSheets() {
    var kept = null;
    try {
      kept = JSON.parse(window.localStorage.getItem(SHEETS_KEY) || "null");
    } catch (error) { /* unreadable: the page's own sheets will do */ }
    if (Array.isArray(kept) && sameEvents(kept, sheets)) {
      sheets = newestMark(sheets) > newestMark(kept) ? keepReasons(sheets, kept) : kept;
    }
    keepSheets();
  })();

  // another tab of the same judge changed the queue
  window.addEventListener("storage", function (event) {
    if (event.key === QUEUE_KEY) {
      queue = loadQueue();
      render();
    }
  });

  // --- scales -------------------------------------------------------------------------------

  function decimals(text) {
    var dot = String(text).indexOf(".");
    return dot < 0 ? 0 : String(text).length - dot - 1;
  }

  function scaleOf(criterion) {
    var digits = Math.max(decimals(criterion.min), decimals(criterion.max),
      criterion.step ? decimals(criterion.step) : 0);
    var factor = Math.pow(10, digits);
    var units = function (text) { return Math.round(parseFloat(text) * factor); };
    var scale = {
      digits: digits,
      factor: factor,
      min: units(criterion.min),
      max: units(criterion.max),
      step: criterion.step ? units(criterion.step) : 1,
      stepped: Boolean(criterion.step),
      units: units
    };
    scale.count = Math.floor((scale.max - scale.min) / scale.step) + 1;
    return scale;
  }

  function textOf(scale, units) {
    var text = (units / scale.factor).toFixed(scale.digits);
    return scale.digits ? text.replace(/\.?0+$/, "") : text;
  }

  function valueProblem(criterion, text) {
    if (!/^-?\d+(\.\d+)?$/.test(text)) return T.not_a_number;
    var scale = scaleOf(criterion);
    var value = parseFloat(text);
    if (value < parseFloat(criterion.min) || value > parseFloat(criterion.max)) {
      return fmt(T.out_of_scale, { value: text, min: criterion.min, max: criterion.max });
    }
    if (criterion.step && (decimals(text) > scale.digits ||
        (scale.units(text) - scale.min) % scale.step !== 0)) {
      return fmt(T.off_step, { value: text, step: criterion.step });
    }
    return null;
  }

  // --- the sheets ---------------------------------------------------------------------------

  function sheetOf(eventId) {
    for (var i = 0; i < sheets.length; i++) {
      if (sheets[i].event_id === eventId) return sheets[i];
    }
    return null;
  }

  /* The cells of a sheet in the order a judge goes through them: entrant by entrant. */
  function cellsOf(sheet) {
    var columns = columnsOf(sheet);
    var cells = [];
    sheet.entrants.forEach(function (entrant) {
      columns.forEach(function (column) {
        cells.push({
          event_id: sheet.event_id,
          entrant: entrant,
          criterion: column.criterion,
          item: column.item,
          id: cellId(sheet.event_id, entrant.code, column.item, column.criterion.name)
        });
      });
    });
    return cells;
  }

  function columnsOf(sheet) {
    var columns = [];
    sheet.criteria.forEach(function (criterion) {
      var items = criterion.per_item && sheet.items.length ? sheet.items : [""];
      items.forEach(function (item) { columns.push({ criterion: criterion, item: item }); });
    });
    return columns;
  }

  function storedMarks(sheet) {
    var stored = {};
    sheet.marks.forEach(function (mark) {
      stored[cellId(sheet.event_id, mark.entrant, mark.item, mark.criterion)] = mark;
    });
    return stored;
  }

  function queuedMarks() {
    var queued = {};
    queue.forEach(function (mark) {
      queued[cellId(mark.event_id, mark.entrant, mark.item, mark.criterion)] = mark;
    });
    return queued;
  }

  function isOpen(sheet, item) {
    var open = sheet.round_open || {};
    return Boolean(open[item] !== undefined ? open[item] : open[""]);
  }

  function cellState(sheet, cell, stored, queued) {
    var waiting = queued[cell.id];
    var mark = stored[cell.id];
    if (waiting) return { state: "pending", value: waiting.value, mark: mark };
    if (mark) return { state: "done", value: mark.value, mark: mark };
    if (!isOpen(sheet, cell.item) || sheet.signed_at) return { state: "closed", value: "" };
    return { state: "empty", value: "" };
  }

  function progressOf(sheet, stored, queued) {
    var cells = cellsOf(sheet);
    var done = 0;
    var pending = 0;
    cells.forEach(function (cell) {
      if (queued[cell.id]) pending += 1;
      else if (stored[cell.id]) done += 1;
    });
    return { total: cells.length, done: done, pending: pending };
  }

  function itemLabel(item) {
    return item ? " · " + fmt(T.item, { item: item }) : "";
  }

  // --- drawing ------------------------------------------------------------------------------

  function render() {
    var queued = queuedMarks();
    sheetsBox.textContent = "";
    if (!sheets.length) {
      sheetsBox.appendChild(el("p", { className: "empty", text: T.no_sheet }));
    }
    sheets.forEach(function (sheet) { sheetsBox.appendChild(drawSheet(sheet, queued)); });
    queueBox.setAttribute("data-count", String(queue.length));
    queueBox.querySelector(".queue-count").textContent = String(queue.length);
    queueBox.classList.toggle("has-waiting", queue.length > 0);
    if (editing) drawEntry();
  }

  function drawSheet(sheet, queued) {
    var stored = storedMarks(sheet);
    var progress = progressOf(sheet, stored, queued);
    var signed = Boolean(sheet.signed_at);
    var complete = progress.done === progress.total && progress.pending === 0;
    var status = signed ? "signed" : complete ? "done" : "pending";
    var columns = columnsOf(sheet);

    var head = el("tr", {}, [el("th", { scope: "col", text: T.entrant })].concat(
      columns.map(function (column) {
        return el("th", { scope: "col" }, [
          el("span", { className: "crit-label", text: column.criterion.label }),
          el("span", {
            className: "crit-scale",
            text: column.criterion.min + "–" + column.criterion.max +
              (column.criterion.step ? " / " + column.criterion.step : "") + itemLabel(column.item)
          })
        ]);
      })
    ));
    var rows = sheet.entrants.map(function (entrant) {
      return el("tr", { "data-entrant": entrant.code }, [
        el("th", { scope: "row", className: "entrant", text: entrant.label })
      ].concat(columns.map(function (column) {
        var cell = {
          event_id: sheet.event_id, entrant: entrant, criterion: column.criterion,
          item: column.item,
          id: cellId(sheet.event_id, entrant.code, column.item, column.criterion.name)
        };
        return el("td", {}, [drawCell(sheet, cell, stored, queued)]);
      })));
    });
    var table = sheet.entrants.length
      ? el("div", { className: "grid-scroll" }, [
        el("table", { className: "grid" }, [el("thead", {}, [head]), el("tbody", {}, rows)])
      ])
      : el("p", { className: "empty", text: T.no_entrant });

    var signButton = el("button", {
      type: "button",
      className: "big primary sign",
      "data-action": "sign",
      "data-event-id": String(sheet.event_id),
      disabled: signed || !complete || connState !== "connected",
      text: T.sign
    });
    var signNote = signed
      ? el("p", { className: "signed-at", text: fmt(T.signed_at, { time: shortTime(sheet.signed_at) }) })
      : el("p", {
        className: signErrors[sheet.event_id] ? "error" : "hint",
        role: signErrors[sheet.event_id] ? "alert" : null,
        text: signErrors[sheet.event_id] || (complete ? "" : T.sign_needs_all)
      });

    return el("section", {
      className: "sheet sheet-" + status,
      "data-event-id": String(sheet.event_id),
      "data-status": status
    }, [
      el("header", { className: "sheet-head" }, [
        el("h2", { text: sheet.event_name }),
        el("span", { className: "badge badge-" + status, text: signed ? T.signed : T.not_signed }),
        el("span", {
          className: "progress",
          "data-done": String(progress.done),
          "data-total": String(progress.total),
          text: fmt(T.progress, { done: progress.done, total: progress.total })
        }),
        el("progress", { max: String(progress.total || 1), value: String(progress.done) })
      ]),
      table,
      el("footer", { className: "sheet-foot" }, [signButton, signNote])
    ]);
  }

  function drawCell(sheet, cell, stored, queued) {
    var shown = cellState(sheet, cell, stored, queued);
    var error = errors[cell.id];
    var corrected = shown.mark && shown.mark.reason;
    var title = [
      T[shown.state],
      corrected ? T.corrected : "",
      corrected ? shown.mark.reason : "",
      error || ""
    ].filter(Boolean).join(" · ");
    var button = el("button", {
      type: "button",
      className: "cell state-" + shown.state + (error ? " has-error" : "") +
        (corrected ? " corrected" : ""),
      "data-cell": cell.id,
      "data-state": shown.state,
      "data-value": shown.value,
      "aria-label": cell.entrant.label + " · " + cell.criterion.label + itemLabel(cell.item) +
        " · " + (shown.value || "") + " · " + title,
      title: title,
      disabled: Boolean(sheet.signed_at) || !isOpen(sheet, cell.item)
    }, [el("span", { className: "cell-value", text: shown.value || "—" })]);
    var children = [button];
    if (corrected && !error) {
      children.push(el("span", { className: "cell-note" }, [
        el("strong", { text: T.corrected }), document.createTextNode(" " + shown.mark.reason)
      ]));
    }
    if (error) children.push(el("span", { className: "cell-error", role: "alert", text: error }));
    return el("div", { className: "cell-box" }, children);
  }

  function shortTime(iso) {
    var when = new Date(iso);
    return isNaN(when.getTime()) ? String(iso) : when.toLocaleString();
  }

  function setConn(state) {
    connState = state;
    connBox.setAttribute("data-state", state);
    connBox.querySelector(".conn-text").textContent = T[state];
    render();
  }

  function notice(text, kind) {
    var note = el("p", {
      className: "notice" + (kind ? " notice-" + kind : ""),
      role: kind === "refused" ? "alert" : "status",
      text: text
    });
    var close = el("button", { type: "button", className: "link", text: "×", "aria-label": "×" });
    close.addEventListener("click", function () { note.remove(); });
    note.appendChild(close);
    noticesBox.appendChild(note);
  }

  // --- the entry dialog ---------------------------------------------------------------------

  function openEntry(eventId, index) {
    editing = { event_id: eventId, index: index };
    var sheet = sheetOf(eventId);
    var cell = cellsOf(sheet)[index];
    var shown = cellState(sheet, cell, storedMarks(sheet), queuedMarks());
    typed = shown.value || "";
    drawEntry();
    if (!entry.open) entry.showModal();
  }

  function drawEntry() {
    var sheet = sheetOf(editing.event_id);
    var cells = sheet ? cellsOf(sheet) : [];
    var cell = cells[editing.index];
    if (!cell || sheet.signed_at) {
      closeEntry();
      return;
    }
    var shown = cellState(sheet, cell, storedMarks(sheet), queuedMarks());
    var criterion = cell.criterion;
    var scale = scaleOf(criterion);
    entry.setAttribute("data-cell", cell.id);
    entry.querySelector(".entry-entrant").textContent = cell.entrant.label;
    entry.querySelector(".entry-criterion").textContent = criterion.label + itemLabel(cell.item);
    entry.querySelector(".entry-scale").textContent =
      criterion.min + "–" + criterion.max + (criterion.step ? " / " + criterion.step : "") +
      " · " + T[shown.state];
    entry.querySelector(".entry-error").textContent = errors[cell.id] || "";

    var buttons = scale.stepped && scale.count <= 31;
    var choices = entry.querySelector(".entry-choices");
    var keypad = entry.querySelector(".entry-keypad");
    choices.hidden = !buttons;
    keypad.hidden = buttons;
    var output = entry.querySelector(".entry-value");
    choices.textContent = "";
    if (buttons) {
      output.textContent = shown.value || "—";
      for (var units = scale.min; units <= scale.max; units += scale.step) {
        var text = textOf(scale, units);
        choices.appendChild(el("button", {
          type: "button",
          className: "big choice",
          "data-value": text,
          "aria-pressed": text === shown.value ? "true" : "false",
          text: text
        }));
      }
      choices.style.setProperty("--columns", String(Math.min(scale.count, scale.count > 11 ? 6 : scale.count)));
    } else {
      output.textContent = typed || "—";
    }
    entry.querySelector('[data-action="previous"]').disabled = previousOpen(sheet, cells) < 0;
    entry.querySelector('[data-action="next"]').disabled = nextOpen(sheet, cells, false) < 0;
  }

  function closeEntry() {
    editing = null;
    if (entry.open) entry.close();
  }

  function nextOpen(sheet, cells, emptyFirst) {
    var queued = queuedMarks();
    var stored = storedMarks(sheet);
    var after = [];
    for (var i = editing.index + 1; i < cells.length; i++) {
      if (isOpen(sheet, cells[i].item)) after.push(i);
    }
    if (emptyFirst) {
      for (var j = 0; j < after.length; j++) {
        var id = cells[after[j]].id;
        if (!queued[id] && !stored[id]) return after[j];
      }
    }
    return after.length ? after[0] : -1;
  }

  function previousOpen(sheet, cells) {
    for (var i = editing.index - 1; i >= 0; i--) {
      if (isOpen(sheet, cells[i].item)) return i;
    }
    return -1;
  }

  function saveValue(value) {
    var sheet = sheetOf(editing.event_id);
    var cells = cellsOf(sheet);
    var cell = cells[editing.index];
    var problem = valueProblem(cell.criterion, value);
    if (problem) {
      entry.querySelector(".entry-error").textContent = problem;
      return;
    }
    enterMark(cell, value);
    var next = nextOpen(sheet, cells, true);
    if (next < 0) closeEntry();
    else openEntry(sheet.event_id, next);
  }

  entry.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button || !editing) return;
    var sheet = sheetOf(editing.event_id);
    var cells = cellsOf(sheet);
    var cell = cells[editing.index];
    if (button.classList.contains("choice")) {
      saveValue(button.getAttribute("data-value"));
    } else if (button.hasAttribute("data-key")) {
      var key = button.getAttribute("data-key");
      typed = key === "back" ? typed.slice(0, -1) : (typed === "0" && key !== "." ? key : typed + key);
      entry.querySelector(".entry-value").textContent = typed || "—";
      entry.querySelector(".entry-error").textContent = "";
    } else if (button.hasAttribute("data-step")) {
      var scale = scaleOf(cell.criterion);
      var current = /^-?\d+(\.\d+)?$/.test(typed) ? scale.units(typed) : null;
      var moved = current === null
        ? scale.min
        : current + parseInt(button.getAttribute("data-step"), 10) * scale.step;
      moved = Math.max(scale.min, Math.min(scale.max, moved));
      if (scale.stepped) moved = scale.min + Math.round((moved - scale.min) / scale.step) * scale.step;
      typed = textOf(scale, moved);
      entry.querySelector(".entry-value").textContent = typed;
      entry.querySelector(".entry-error").textContent = "";
    } else if (button.getAttribute("data-action") === "save") {
      saveValue(typed);
    } else if (button.getAttribute("data-action") === "next") {
      var next = nextOpen(sheet, cells, false);
      if (next >= 0) openEntry(sheet.event_id, next);
    } else if (button.getAttribute("data-action") === "previous") {
      var previous = previousOpen(sheet, cells);
      if (previous >= 0) openEntry(sheet.event_id, previous);
    }
  });

  entry.addEventListener("close", function () { editing = null; });

  // a hardware keyboard works in the dialog too
  entry.addEventListener("keydown", function (event) {
    if (!editing || entry.querySelector(".entry-keypad").hidden) return;
    if (/^[0-9.]$/.test(event.key)) {
      entry.querySelector('[data-key="' + event.key + '"]').click();
    } else if (event.key === "Backspace") {
      entry.querySelector('[data-key="back"]').click();
    } else if (event.key === "Enter") {
      event.preventDefault();
      saveValue(typed);
    }
  });

  sheetsBox.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button || button.disabled) return;
    if (button.classList.contains("cell")) {
      var eventId = parseInt(button.closest(".sheet").getAttribute("data-event-id"), 10);
      var id = button.getAttribute("data-cell");
      var index = cellsOf(sheetOf(eventId)).findIndex(function (cell) { return cell.id === id; });
      openEntry(eventId, index);
    } else if (button.getAttribute("data-action") === "sign") {
      askToSign(parseInt(button.getAttribute("data-event-id"), 10));
    }
  });

  // --- marks: queue first, then send ----------------------------------------------------------

  function enterMark(cell, value) {
    var mark = {
      key: uuid(),
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
    pump();
  }

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

  /* Send the oldest waiting mark; the next one goes when it is acknowledged. */
  function pump() {
    if (inFlight || !socket || !socket.connected || !queue.length) return;
    var mark = queue[0];
    var sentIn = generation;
    inFlight = mark.key;
    socket.timeout(ACK_TIMEOUT_MS).emit("mark", payload(mark), function (error, ack) {
      if (sentIn !== generation) {
        if (!error && ack) acknowledged(mark, ack); // late but true: still good news
        return;
      }
      inFlight = null;
      if (error) {
        // no answer in time: the link is dead without knowing it; start it again
        reconnectNow();
        return;
      }
      var next = acknowledged(mark, ack);
      if (next === "now") pump();
      else if (next === "later") window.setTimeout(pump, RETRY_MS);
    });
  }

  /* Take the server's answer to a mark; say when to send the next one: "now", "later" or
   * "never" (until the next connect). */
  function acknowledged(mark, ack) {
    var id = cellId(mark.event_id, mark.entrant, mark.item, mark.criterion);
    var sheet = sheetOf(mark.event_id);
    if (ack && ack.ok === true) {
      if (dropFromQueue(mark.key) && sheet) {
        sheet.marks = sheet.marks.filter(function (m) {
          return cellId(sheet.event_id, m.entrant, m.item, m.criterion) !== id;
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
      refused(mark, errors[id]);
      if (STALE_SHEET_CODES[ack.code] && socket && socket.connected) refreshSheets();
    }
    render();
    return "now";
  }

  function refused(mark, message) {
    var sheet = sheetOf(mark.event_id);
    var criterion = sheet && sheet.criteria.find(function (c) { return c.name === mark.criterion; });
    var entrant = sheet && sheet.entrants.find(function (e) { return e.code === mark.entrant; });
    notice(fmt(T.refused_notice, {
      entrant: entrant ? entrant.label : mark.entrant,
      criterion: criterion ? criterion.label : mark.criterion,
      item: itemLabel(mark.item),
      value: mark.value,
      message: message
    }), "refused");
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
    if (confirmSign.returnValue !== "sign" || !socket || !socket.connected) return;
    var eventId = parseInt(confirmSign.getAttribute("data-event-id"), 10);
    socket.timeout(ACK_TIMEOUT_MS).emit("sign", { event_id: eventId }, function (error, ack) {
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

  // --- the connection -----------------------------------------------------------------------

  function refreshSheets() {
    socket.timeout(ACK_TIMEOUT_MS).emit("sheet", {}, function (error, ack) {
      if (error || !ack || !ack.ok || !Array.isArray(ack.sheets)) return;
      sheets = keepReasons(ack.sheets, sheets);
      keepSheets();
      render();
    });
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
      setConn("offline");
      return;
    }
    socket = window.io("/judge", {
      transports: ["websocket", "polling"], // websocket first; polling if a proxy blocks it
      tryAllTransports: true,
      // a page opened with no network waits for the "online" event instead of trying
      autoConnect: navigator.onLine !== false,
      reconnectionDelay: 500,
      reconnectionDelayMax: 5000,
      timeout: 10000
    });
    socket.on("connect", function () {
      setConn("connected");
      refreshSheets();
      pump();
    });
    socket.on("disconnect", function (reason) {
      generation += 1;
      inFlight = null;
      if (reason === "io server disconnect") {
        setConn("signed_out"); // the server ended the session (link reissued or revoked)
      } else {
        setConn(navigator.onLine === false ? "offline" : "reconnecting");
      }
    });
    socket.on("connect_error", function () {
      if (!socket.active) setConn("signed_out"); // refused at connect: no valid session
      else setConn(navigator.onLine === false ? "offline" : "reconnecting");
    });
    socket.io.on("reconnect_attempt", function () {
      if (!socket.connected) setConn(navigator.onLine === false ? "offline" : "reconnecting");
    });
    socket.on("recheck", function (data) {
      var sheet = sheetOf(data.event_id);
      if (!sheet) return;
      var criterion = sheet.criteria.find(function (c) { return c.name === data.criterion; });
      var entrant = sheet.entrants.find(function (e) { return e.code === data.entrant; });
      notice(fmt(T.recheck_notice, {
        entrant: entrant ? entrant.label : data.entrant,
        criterion: criterion ? criterion.label : data.criterion,
        item: itemLabel(data.item),
        note: data.note || ""
      }));
    });
    socket.on("corrected", function (data) {
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
      var criterion = sheet.criteria.find(function (c) { return c.name === data.criterion; });
      var entrant = sheet.entrants.find(function (e) { return e.code === data.entrant; });
      notice(fmt(T.corrected_notice, {
        entrant: entrant ? entrant.label : data.entrant,
        criterion: criterion ? criterion.label : data.criterion,
        item: itemLabel(data.item),
        value: data.value,
        reason: data.reason || ""
      }));
      render();
    });
  }

  // The device says it has no network: do not wait for a ping timeout to notice.
  window.addEventListener("offline", function () {
    generation += 1;
    inFlight = null;
    if (socket) socket.disconnect();
    setConn("offline");
  });
  window.addEventListener("online", function () {
    if (socket && !socket.connected) {
      setConn("reconnecting");
      socket.connect();
    }
  });

  // for the browser tests and for someone debugging a tablet
  window.judgeTablet = {
    queue: function () { return queue.slice(); },
    socket: function () { return socket; },
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
  connect();
  if (navigator.onLine === false) setConn("offline");
  registerServiceWorker();
})();
