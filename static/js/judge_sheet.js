/* A judge's sheet as data: its cells in the order a judge goes through them, what each cell
 * shows, how far the sheet is. No page state and no DOM: the sheets (the shape of the server's
 * "sheet" acknowledgement, docs/protocol.md) and the queue are handed in.
 *
 * A cell is one entrant × one criterion (× one item, for a criterion marked per item); its id,
 * "event|entrant|item|criterion", ties a stored mark, a queued mark and a refusal to it.
 *
 * window.CompetitionJudge.sheet:
 *   cellId(eventId, entrant, item, criterion); find(sheets, eventId) -> a sheet or null;
 *   columnsOf(sheet) -> [{criterion, item}]; cellsOf(sheet) -> [{event_id, entrant, criterion,
 *   item, id}]; storedMarks(sheet) and queuedMarks(queue) -> {cell id -> mark};
 *   isOpen(sheet, item); cellState(sheet, cell, stored, queued) -> {state, value, mark};
 *   progressOf(sheet, stored, queued) -> {total, done, pending};
 *   firstEmpty(sheet, stored, queued) -> the index in cellsOf(sheet) of the first cell open
 *   for marking and neither stored nor queued, or -1;
 *   itemLabel(strings, item, criterion) -> " · 跳水 2" (the rule file's word for the items,
 *   else "Item 2") or ""; itemName(strings, item, criterion) -> "跳水 2";
 *   closedReason(strings, sheet, cell) -> why a cell takes no mark now, or "";
 *   openCells(sheet) -> how many cells take a mark now; entrantHeading(strings, sheet);
 *   labels(sheet, entrant, criterion) -> {entrant, criterion, item_label}: the labels a judge
 *   reads, or the codes when the sheet lacks them.
 */
(function () {
  "use strict";

  var fmt = window.CompetitionDom.fmt;

  function cellId(eventId, entrant, item, criterion) {
    return [eventId, entrant, item, criterion].join("|");
  }

  function find(sheets, eventId) {
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
      var items = criterion.per_item && sheet.items.length ? criterion.items || sheet.items : [""];
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

  function queuedMarks(queue) {
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

  /* Where a judge picks up a long sheet: the first cell still to mark, in marking order. */
  function firstEmpty(sheet, stored, queued) {
    if (sheet.signed_at) return -1;
    var cells = cellsOf(sheet);
    for (var i = 0; i < cells.length; i++) {
      var cell = cells[i];
      if (!stored[cell.id] && !queued[cell.id] && isOpen(sheet, cell.item)) return i;
    }
    return -1;
  }

  // the texts come from the page (#judge-strings): this file holds no language
  function itemName(T, item, criterion) {
    var word = criterion && criterion.item_label;
    if (word && word === criterion.label) return item; // "节目内容分 · PC-transitions"
    return word ? word + " " + item : fmt(T.item, { item: item });
  }

  function itemLabel(T, item, criterion) {
    return item ? " · " + itemName(T, item, criterion) : "";
  }

  var BEFORE_SCORING = { draft: true, registration: true };

  /* Why a cell takes no mark now ("" when it does): the sheet is signed, scoring has not
   * opened or is over, or the round of the event or of the cell's item is closed. */
  function closedReason(T, sheet, cell) {
    if (sheet.signed_at) return T.locked;
    if (isOpen(sheet, cell.item)) return "";
    var stage = sheet.stage || "scoring";
    if (BEFORE_SCORING[stage]) return T.not_open_yet;
    if (stage !== "scoring") return T.scoring_over;
    if (cell.item) return fmt(T.item_closed, { item: itemName(T, cell.item, cell.criterion) });
    return T.event_closed;
  }

  function openCells(sheet) {
    if (sheet.signed_at) return 0;
    return cellsOf(sheet).filter(function (cell) { return isOpen(sheet, cell.item); }).length;
  }

  /* The entrants' column holds blind codes while names are hidden, else names (with the
   * number): headed by what it holds, in the rule file's word when it has one. */
  function entrantHeading(T, sheet) {
    if (sheet.names_hidden) return T.blind_code;
    return sheet.entrant_label || T.entrant_name;
  }

  /* A notice names a mark by what the judge sees on the sheet; a sheet the tablet does not
   * know (or no longer lists that entrant or criterion) leaves the codes. */
  function labels(sheet, entrantCode, criterionName) {
    var criterion = sheet && sheet.criteria.find(function (c) { return c.name === criterionName; });
    var entrant = sheet && sheet.entrants.find(function (e) { return e.code === entrantCode; });
    return {
      entrant: entrant ? entrant.label : entrantCode,
      criterion: criterion ? criterion.label : criterionName,
      item_label: criterion ? criterion.item_label : ""
    };
  }

  var judge = (window.CompetitionJudge = window.CompetitionJudge || {});
  judge.sheet = {
    cellId: cellId,
    find: find,
    columnsOf: columnsOf,
    cellsOf: cellsOf,
    storedMarks: storedMarks,
    queuedMarks: queuedMarks,
    isOpen: isOpen,
    firstEmpty: firstEmpty,
    cellState: cellState,
    progressOf: progressOf,
    itemLabel: itemLabel,
    itemName: itemName,
    closedReason: closedReason,
    openCells: openCells,
    entrantHeading: entrantHeading,
    labels: labels
  };
})();
