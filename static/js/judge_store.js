/* What the judge's tablet keeps in localStorage, one pair of keys per judge, so no mark is
 * lost and the page opens with no network (docs/protocol.md, "Opening the page with no
 * network"):
 *
 *   competition.judge.<judge id>.queue   the marks entered and not yet answered, oldest first;
 *   competition.judge.<judge id>.sheets  the sheets as the tablet last knew them;
 *   competition.judge.<judge id>.name    the judge's name, to say whose marks wait here.
 *
 * A queue is only ever sent by its own judge's page: marks a judge left on a tablet that
 * another judge's link took over wait for that judge's link (judge_link.js names the judge
 * at connect; the server refuses a page of another judge).
 *
 * No page state: judge_tablet.js holds the queue and the sheets and hands them in.
 *
 * window.CompetitionJudge.store:
 *   uuid() -> a fresh idempotency key;
 *   keepReasons(fresh, known) -> fresh, with the correction reasons only `known` had;
 *   waitingOfOthers(judgeId) -> [{judge_id, name, count}]: other judges' marks waiting here;
 *   forJudge(judgeId) -> {queueKey, loadQueue(), saveQueue(queue), withoutMark(queue, key),
 *     keepSheets(sheets), restoreSheets(sheets), keepName(name)}.
 */
(function () {
  "use strict";

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

  var QUEUE_PATTERN = /^competition\.judge\.(\d+)\.queue$/;

  function waitingOfOthers(judgeId) {
    var found = [];
    try {
      for (var i = 0; i < window.localStorage.length; i++) {
        var matched = QUEUE_PATTERN.exec(window.localStorage.key(i) || "");
        if (!matched || matched[1] === String(judgeId)) continue;
        var count = forJudge(matched[1]).loadQueue().length;
        var name = window.localStorage.getItem("competition.judge." + matched[1] + ".name");
        if (count) found.push({ judge_id: matched[1], name: name || "", count: count });
      }
    } catch (error) { /* storage denied: nothing to say */ }
    return found;
  }

  function forJudge(judgeId) {
    var QUEUE_KEY = "competition.judge." + judgeId + ".queue";
    var SHEETS_KEY = "competition.judge." + judgeId + ".sheets";
    var NAME_KEY = "competition.judge." + judgeId + ".name";

    function keepName(name) {
      try {
        if (name) window.localStorage.setItem(NAME_KEY, name);
      } catch (error) { /* storage full or denied */ }
    }

    function loadQueue() {
      try {
        var stored = JSON.parse(window.localStorage.getItem(QUEUE_KEY) || "[]");
        return Array.isArray(stored) ? stored : [];
      } catch (error) {
        return [];
      }
    }

    function saveQueue(queue) {
      window.localStorage.setItem(QUEUE_KEY, JSON.stringify(queue));
    }

    /* The queue without the mark of that key; saved when that changed it. */
    function withoutMark(queue, key) {
      var kept = queue.filter(function (mark) { return mark.key !== key; });
      if (kept.length !== queue.length) saveQueue(kept);
      return kept;
    }

    function keepSheets(sheets) {
      try {
        window.localStorage.setItem(SHEETS_KEY, JSON.stringify(sheets));
      } catch (error) { /* storage full or denied: the page still works online */ }
    }

    /* The page may be the service worker's copy, made before marks the tablet has sent since:
     * the sheets kept on the tablet win unless the page knows a mark they do not (mark ids only
     * grow: a correction or a new mark has a higher one). Online, the "sheet" event on connect
     * brings the server's sheets anyway. Returns the sheets to show, and keeps them. */
    function restoreSheets(sheets) {
      var kept = null;
      try {
        kept = JSON.parse(window.localStorage.getItem(SHEETS_KEY) || "null");
      } catch (error) { /* unreadable: the page's own sheets will do */ }
      if (Array.isArray(kept) && sameEvents(kept, sheets)) {
        sheets = newestMark(sheets) > newestMark(kept) ? keepReasons(sheets, kept) : kept;
      }
      keepSheets(sheets);
      return sheets;
    }

    return {
      queueKey: QUEUE_KEY,
      loadQueue: loadQueue,
      saveQueue: saveQueue,
      withoutMark: withoutMark,
      keepSheets: keepSheets,
      restoreSheets: restoreSheets,
      keepName: keepName
    };
  }

  var judge = (window.CompetitionJudge = window.CompetitionJudge || {});
  judge.store = {
    uuid: uuid, keepReasons: keepReasons, forJudge: forJudge, waitingOfOthers: waitingOfOthers
  };
})();
