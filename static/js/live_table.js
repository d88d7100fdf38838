/* The live board's tables, one section an event, in both layouts: the rows drawn, and the
 * rank-change animation.
 *
 * Rows are kept as DOM nodes between updates so a change of order can slide them to their new
 * place (FLIP: measure, move, invert, play); a changed total flashes. Which rows are shown is
 * the layout's business (live_phone.js filters, live_screen.js pages), so live_board.js measures
 * before drawing and slides after the layout has hidden and shown its rows.
 *
 * window.CompetitionLive.table.create(eventsBox, strings, {follow: bool}) returns
 * {sections, draw(board), measure(), slide(before)}; sections maps an event id to
 * {section, tbody, progress, head, rows: {key -> tr}}, each tr carrying its row as tr._row.
 * rankText(strings, row) and totalText(row) are the texts a row's rank and total show.
 */
(function () {
  "use strict";

  var fmt = window.CompetitionDom.fmt;
  var el = window.CompetitionDom.el;
  var SLIDE_MS = 600;

  function rankText(T, row) {
    if (row.rank === null || row.rank === undefined) return "—";
    return row.shared ? fmt(T.rank_shared, { rank: row.rank }) : String(row.rank);
  }

  function totalText(row) {
    return row.total === null || row.total === undefined ? "—" : row.total;
  }

  // the rule file's order, which the event lists (a row's attributes are a JSON object: its
  // keys come sorted from the page and the API, in rule-file order over the socket)
  function attributeLabels(event) {
    var labels = [];
    (event.rows || []).forEach(function (row) {
      Object.keys(row.attributes || {}).forEach(function (label) {
        if (labels.indexOf(label) < 0) labels.push(label);
      });
    });
    if (!Array.isArray(event.attributes)) return labels; // published before the list existed
    return event.attributes.filter(function (label) { return labels.indexOf(label) >= 0; });
  }

  function create(eventsBox, T, options) {
    var sections = {}; // event id -> {section, tbody, progress, head, rows: {key -> tr}}

    function draw(board) {
      var seen = {};
      board.events.forEach(function (event) {
        seen[event.id] = true;
        var parts = sections[event.id] || makeSection(event);
        eventsBox.appendChild(parts.section);
        drawEvent(parts, event, board);
      });
      Object.keys(sections).forEach(function (id) {
        if (!seen[id]) {
          sections[id].section.remove();
          delete sections[id];
        }
      });
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

    /* A prize as the award list prints it: every digit, thousands separated, in yuan
       ("20,000 元"; "¥20,000" in English). */
    function money(amount) {
      if (amount === null || amount === undefined || amount === "") return "";
      var text = String(amount);
      var parts = text.match(/^(-?)(\d+)(\..*)?$/);
      if (!parts) return text;
      var whole = parts[2].replace(/\B(?=(\d{3})+(?!\d))/g, ",");
      return (T.money || "{amount}").replace("{amount}", parts[1] + whole + (parts[3] || ""));
    }

    function columnsOf(event, board) {
      var columns = [{ id: "rank", title: T.rank }, { id: "label", title: board.names_open ? (event.entrant_label || T.name) : T.code }];
      var numbered = board.names_open && (event.rows || []).some(function (row) {
        return row.number && row.number !== row.label;
      });
      if (numbered) columns.push({ id: "number", title: T.number });
      if (event.grouped) columns.push({ id: "group", title: T.group });
      attributeLabels(event).forEach(function (label) {
        columns.push({ id: "attr", title: label, attribute: label });
      });
      columns.push({ id: "total", title: T.total });
      // a column of blanks says nothing: the status only when some entrant has one
      if ((event.rows || []).some(function (row) { return row.status && row.status !== "ok"; })) {
        columns.push({ id: "status", title: T.status });
      }
      if (board.published) {
        columns.push({ id: "award", title: T.award }, { id: "titles", title: T.titles }, { id: "prize", title: T.prize });
      }
      if (options.follow) columns.push({ id: "follow", title: T.follow });
      return columns;
    }

    function drawEvent(parts, event, board) {
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
      parts.empty.textContent = event.awaiting_codes ? T.awaiting_codes : T.no_rows;
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
      // a row keeps its node (the slide moves it); its cells are drawn again only when it changed
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
          td.appendChild(el("span", { className: "rank", text: rankText(T, row) }));
          if (row.decided_by) {
            td.appendChild(el("small", { className: "tiebreak", text: fmt(T.decided_by, { criterion: row.decided_by }) }));
          }
          break;
        case "label":
          td.appendChild(el("span", { className: "label", text: row.label }));
          td.title = row.label; // the big screen may cut a long name short
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
          td.appendChild(el("span", { className: "total", text: totalText(row) }));
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
          td.textContent = money(row.prize);
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

    return { sections: sections, draw: draw, measure: measure, slide: slide };
  }

  var live = (window.CompetitionLive = window.CompetitionLive || {});
  live.table = { create: create, rankText: rankText, totalText: totalText };
})();
