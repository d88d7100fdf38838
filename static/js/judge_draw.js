/* Draws one of the judge's sheets: a header with its progress (and a button that opens the
 * first cell still to mark), why nothing can be marked when nothing can, the grid of cells
 * (entrants × criteria) and the sign-off button; and, for a sheet all marked and not signed,
 * the prompt to sign that stays at the bottom of the screen.
 * Only elements: the page (judge_tablet.js) puts them in place and listens to their clicks (a
 * cell's data-cell, and its data-locked with the reason in data-reason when it takes no mark;
 * the sign and next-empty buttons' data-action and data-event-id, and the next-empty button's
 * data-index into cellsOf).
 *
 * window.CompetitionJudge.draw:
 *   sheet(sheet, queued, view) -> the sheet's <section>; queued is {cell id -> queued mark}
 *   and view is {texts (#judge-strings), errors (cell id -> refusal), signErrors (event id ->
 *   message), connected (a sheet is signed online only)};
 *   prompt(sheet, queued, view) -> the sign prompt, or null when the sheet is not ready.
 */
(function () {
  "use strict";

  var fmt = window.CompetitionDom.fmt;
  var el = window.CompetitionDom.el;
  var when = window.CompetitionDom.when;
  var lang = document.documentElement.lang;
  var model = window.CompetitionJudge.sheet;

  function drawSheet(sheet, queued, view) {
    var T = view.texts;
    var stored = model.storedMarks(sheet);
    var progress = model.progressOf(sheet, stored, queued);
    var signed = Boolean(sheet.signed_at);
    var complete = progress.done === progress.total && progress.pending === 0;
    var status = signed ? "signed" : complete ? "done" : "pending";
    var table = sheet.entrants.length
      ? el("div", { className: "grid-scroll" }, [drawGrid(sheet, stored, queued, view)])
      : el("p", { className: "empty", text: T.no_entrant });
    var cells = model.cellsOf(sheet);
    var why = signed
      ? T.locked
      : cells.length && !model.openCells(sheet) ? model.closedReason(T, sheet, cells[0]) : "";

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
        el("progress", { max: String(progress.total || 1), value: String(progress.done) }),
        drawNextEmpty(sheet, stored, queued, view)
      ]),
      why ? el("p", { className: "sheet-why", role: "status", text: why }) : null,
      table,
      drawFoot(sheet, complete, view)
    ]);
  }

  function drawGrid(sheet, stored, queued, view) {
    var T = view.texts;
    var columns = model.columnsOf(sheet);
    var head = el("tr", {}, [
      el("th", { scope: "col", className: "entrant-head", text: model.entrantHeading(T, sheet) })
    ].concat(
      columns.map(function (column) {
        var closed = !sheet.signed_at && !model.isOpen(sheet, column.item);
        return el("th", { scope: "col", className: closed ? "col-closed" : null }, [
          el("span", { className: "crit-label", text: column.criterion.label }),
          column.item
            ? el("span", {
              className: "crit-item",
              text: model.itemName(T, column.item, column.criterion)
            })
            : null,
          el("span", {
            className: "crit-scale",
            text: column.criterion.min + "–" + column.criterion.max +
              (column.criterion.step ? " / " + column.criterion.step : "") +
              (closed ? " · " + T.closed : "")
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
          id: model.cellId(sheet.event_id, entrant.code, column.item, column.criterion.name)
        };
        return el("td", {}, [drawCell(sheet, cell, stored, queued, view)]);
      })));
    });
    return el("table", { className: "grid" }, [el("thead", {}, [head]), el("tbody", {}, rows)]);
  }

  /* On a long sheet the cells still to mark may be far down: a button opens the first. */
  function drawNextEmpty(sheet, stored, queued, view) {
    var index = model.firstEmpty(sheet, stored, queued);
    if (index < 0) return null;
    return el("button", {
      type: "button",
      className: "big next-empty",
      "data-action": "next-empty",
      "data-event-id": String(sheet.event_id),
      "data-index": String(index),
      text: view.texts.next_empty
    });
  }

  /* The sign button, live only when every cell is sent and the tablet is online; under it,
   * when the sheet was signed, why it cannot be yet, or why signing failed. */
  function drawFoot(sheet, complete, view) {
    var T = view.texts;
    var signed = Boolean(sheet.signed_at);
    var failed = view.signErrors[sheet.event_id];
    var signButton = el("button", {
      type: "button",
      className: "big primary sign",
      "data-action": "sign",
      "data-event-id": String(sheet.event_id),
      disabled: signed || !complete || !view.connected,
      text: T.sign
    });
    var signNote = signed
      ? el("p", { className: "signed-at", text: fmt(T.signed_at, { time: when(sheet.signed_at, T, lang) }) })
      : el("p", {
        className: failed ? "error" : "hint",
        role: failed ? "alert" : null,
        text: failed || (complete ? "" : T.sign_needs_all)
      });
    return el("footer", { className: "sheet-foot" }, [signButton, signNote]);
  }

  function drawCell(sheet, cell, stored, queued, view) {
    var T = view.texts;
    var shown = model.cellState(sheet, cell, stored, queued);
    var error = view.errors[cell.id];
    var corrected = shown.mark && shown.mark.reason;
    var title = [
      T[shown.state],
      corrected ? T.corrected : "",
      corrected ? shown.mark.reason : "",
      error || ""
    ].filter(Boolean).join(" · ");
    // a cell that takes no mark is not disabled: a tap on it says why (judge_tablet.js)
    var why = model.closedReason(T, sheet, cell);
    var locked = sheet.signed_at ? "signed" : why ? "closed" : null;
    var button = el("button", {
      type: "button",
      className: "cell state-" + shown.state + (error ? " has-error" : "") +
        (corrected ? " corrected" : "") + (locked === "signed" ? " locked" : ""),
      "data-cell": cell.id,
      "data-state": shown.state,
      "data-value": shown.value,
      "data-locked": locked,
      "data-reason": why || null,
      "aria-disabled": locked ? "true" : null,
      "aria-label": cell.entrant.label + " · " + cell.criterion.label +
        model.itemLabel(T, cell.item, cell.criterion) + " · " + (shown.value || "") + " · " +
        [title, why].filter(Boolean).join(" · "),
      title: [title, why].filter(Boolean).join(" · ")
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

  /* A sheet all marked and sent, not signed: say so where the judge is, with the button. */
  function drawPrompt(sheet, queued, view) {
    var T = view.texts;
    var progress = model.progressOf(sheet, model.storedMarks(sheet), queued);
    if (sheet.signed_at || !progress.total || progress.done !== progress.total ||
      progress.pending) return null;
    return el("div", { className: "sign-prompt", "data-event-id": String(sheet.event_id) }, [
      el("p", { className: "sign-prompt-text" }, [
        el("strong", { text: fmt(T.sign_prompt, { total: progress.total, event: sheet.event_name }) }),
        view.connected ? null : el("span", { className: "hint", text: T.sign_offline })
      ]),
      el("button", {
        type: "button",
        className: "big primary sign",
        "data-action": "sign",
        "data-event-id": String(sheet.event_id),
        disabled: !view.connected,
        text: T.sign
      })
    ]);
  }

  var judge = (window.CompetitionJudge = window.CompetitionJudge || {});
  judge.draw = { sheet: drawSheet, prompt: drawPrompt };
})();
