/* The notices at the top of the judge's tablet (#notices): a mark the server refused for good,
 * and the chief judge's word (look at a mark again; a mark corrected). Each stays until the
 * judge closes it; a refusal is an alert, the others a status.
 *
 * window.CompetitionJudge.notices.create(box, strings) returns {notice(text),
 * refused(sheet, mark, message), recheck(sheet, data), corrected(sheet, data)}; sheet is the mark's sheet as the tablet knows
 * it (null if it does not), mark and data as sent and received (docs/protocol.md).
 */
(function () {
  "use strict";

  var fmt = window.CompetitionDom.fmt;
  var el = window.CompetitionDom.el;
  var model = window.CompetitionJudge.sheet;

  function create(box, T) {
    function notice(text, kind) {
      var note = el("p", {
        className: "notice" + (kind ? " notice-" + kind : ""),
        role: kind === "refused" ? "alert" : "status",
        text: text
      });
      var close = el("button", { type: "button", className: "link", text: "×", "aria-label": "×" });
      close.addEventListener("click", function () { note.remove(); });
      note.appendChild(close);
      box.appendChild(note);
    }

    function refused(sheet, mark, message) {
      var named = model.labels(sheet, mark.entrant, mark.criterion);
      notice(fmt(T.refused_notice, {
        entrant: named.entrant,
        criterion: named.criterion,
        item: model.itemLabel(T, mark.item, named),
        value: mark.value,
        message: message
      }), "refused");
    }

    function recheck(sheet, data) {
      var named = model.labels(sheet, data.entrant, data.criterion);
      notice(fmt(T.recheck_notice, {
        entrant: named.entrant,
        criterion: named.criterion,
        item: model.itemLabel(T, data.item, named),
        note: data.note || ""
      }));
    }

    function corrected(sheet, data) {
      var named = model.labels(sheet, data.entrant, data.criterion);
      notice(fmt(T.corrected_notice, {
        entrant: named.entrant,
        criterion: named.criterion,
        item: model.itemLabel(T, data.item, named),
        value: data.value,
        reason: data.reason || ""
      }));
    }

    return { notice: notice, refused: refused, recheck: recheck, corrected: corrected };
  }

  var judge = (window.CompetitionJudge = window.CompetitionJudge || {});
  judge.notices = { create: create };
})();
