/* The entry dialog (#entry): one cell at a time, a value by touch. A stepped scale of up to
 * 31 values shows a button for each; any other scale a keypad with a stepper (a hardware
 * keyboard works too). Saving checks the value against the scale, hands it to the page, and
 * moves on to the next open cell, the next empty one first.
 *
 * The dialog holds only which cell it shows and what was typed; the sheets, the queue and the
 * refusals stay the page's (judge_tablet.js), read through `page`.
 *
 * window.CompetitionJudge.entry.attach(dialog, page) returns {open(eventId, index), refresh()};
 * page is {texts (#judge-strings), sheetOf(eventId), queue() -> the waiting marks,
 * errorOf(cellId) -> the cell's refusal, enter(cell, value): queue the mark and send it}.
 * refresh() redraws an open dialog after the page changed (a mark answered, a sheet signed).
 */
(function () {
  "use strict";

  var el = window.CompetitionDom.el;
  var model = window.CompetitionJudge.sheet;
  var scales = window.CompetitionJudge.scale;

  function attach(entry, page) {
    var T = page.texts;
    var editing = null; // {event_id, index} of the cell in the dialog
    var typed = ""; // the keypad's text

    function shownOf(sheet, cell) {
      var queued = model.queuedMarks(page.queue());
      return model.cellState(sheet, cell, model.storedMarks(sheet), queued);
    }

    function openEntry(eventId, index) {
      editing = { event_id: eventId, index: index };
      var sheet = page.sheetOf(eventId);
      var cell = model.cellsOf(sheet)[index];
      var shown = shownOf(sheet, cell);
      typed = shown.value || "";
      drawEntry();
      if (!entry.open) entry.showModal();
    }

    function drawEntry() {
      var sheet = page.sheetOf(editing.event_id);
      var cells = sheet ? model.cellsOf(sheet) : [];
      var cell = cells[editing.index];
      if (!cell || sheet.signed_at) {
        closeEntry();
        return;
      }
      var shown = shownOf(sheet, cell);
      var criterion = cell.criterion;
      entry.setAttribute("data-cell", cell.id);
      entry.querySelector(".entry-entrant").textContent = cell.entrant.label;
      entry.querySelector(".entry-criterion").textContent =
        criterion.label + model.itemLabel(T, cell.item, criterion);
      entry.querySelector(".entry-scale").textContent =
        criterion.min + "–" + criterion.max + (criterion.step ? " / " + criterion.step : "") +
        " · " + T[shown.state];
      entry.querySelector(".entry-error").textContent = page.errorOf(cell.id) || "";
      drawValue(scales.of(criterion), shown);
      entry.querySelector('[data-action="previous"]').disabled = previousOpen(sheet, cells) < 0;
      entry.querySelector('[data-action="next"]').disabled = nextOpen(sheet, cells, false) < 0;
      // a button disabled under the judge's finger drops the focus out of the dialog, and a
      // hardware keyboard with it: keep the focus in the dialog
      if (!entry.contains(document.activeElement) || document.activeElement.disabled) {
        entry.focus();
      }
    }

    /* A button for every value of a short stepped scale; the keypad for the others. */
    function drawValue(scale, shown) {
      var buttons = scale.stepped && scale.count <= 31;
      var choices = entry.querySelector(".entry-choices");
      var keypad = entry.querySelector(".entry-keypad");
      choices.hidden = !buttons;
      keypad.hidden = buttons;
      var output = entry.querySelector(".entry-value");
      choices.textContent = "";
      if (!buttons) {
        output.textContent = typed || "—";
        return;
      }
      output.textContent = shown.value || "—";
      for (var units = scale.min; units <= scale.max; units += scale.step) {
        var text = scales.textOf(scale, units);
        choices.appendChild(el("button", {
          type: "button",
          className: "big choice",
          "data-value": text,
          "aria-pressed": text === shown.value ? "true" : "false",
          text: text
        }));
      }
      choices.style.setProperty("--columns", String(Math.min(scale.count, scale.count > 11 ? 6 : scale.count)));
    }

    function closeEntry() {
      editing = null;
      if (entry.open) entry.close();
    }

    function nextOpen(sheet, cells, emptyFirst) {
      var queued = model.queuedMarks(page.queue());
      var stored = model.storedMarks(sheet);
      var after = [];
      for (var i = editing.index + 1; i < cells.length; i++) {
        if (model.isOpen(sheet, cells[i].item)) after.push(i);
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
        if (model.isOpen(sheet, cells[i].item)) return i;
      }
      return -1;
    }

    function saveValue(value) {
      var sheet = page.sheetOf(editing.event_id);
      var cells = model.cellsOf(sheet);
      var cell = cells[editing.index];
      var problem = scales.problem(cell.criterion, value, T);
      if (problem) {
        entry.querySelector(".entry-error").textContent = problem;
        return;
      }
      page.enter(cell, value);
      var next = nextOpen(sheet, cells, true);
      if (next < 0) closeEntry();
      else openEntry(sheet.event_id, next);
    }

    function showTyped(text) {
      typed = text;
      entry.querySelector(".entry-value").textContent = typed || "—";
      entry.querySelector(".entry-error").textContent = "";
    }

    entry.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button || !editing) return;
      var sheet = page.sheetOf(editing.event_id);
      var cells = model.cellsOf(sheet);
      var cell = cells[editing.index];
      if (button.classList.contains("choice")) {
        saveValue(button.getAttribute("data-value"));
      } else if (button.hasAttribute("data-key")) {
        var key = button.getAttribute("data-key");
        var keyed = typed === "0" && key !== "." ? key : typed + key;
        showTyped(key === "back" ? typed.slice(0, -1) : keyed);
      } else if (button.hasAttribute("data-step")) {
        // the stepper always lands on a value of the scale (never empty)
        var steps = parseInt(button.getAttribute("data-step"), 10);
        showTyped(scales.step(cell.criterion, typed, steps));
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

    return {
      open: openEntry,
      refresh: function () { if (editing) drawEntry(); }
    };
  }

  var judge = (window.CompetitionJudge = window.CompetitionJudge || {});
  judge.entry = { attach: attach };
})();
