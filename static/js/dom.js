/*
 * Small DOM helpers shared by the judge's tablet and the live board (no library, no CDN).
 * window.CompetitionDom.fmt("{n} marks", {n: 3}) fills a translated template;
 * window.CompetitionDom.el("p", {text: "…", className: "x"}, [children]) builds an element.
 * window.CompetitionDom.when(iso, T, lang, zone) writes an ISO 8601 time on the clock of the
 * contest's zone with the zone named: "2026年12月10日 05:04（北京时间）" (T: the page's texts,
 * with at_zone, time_zone and zone_label; zone: the board's, when it carries one).
 */
(function () {
  "use strict";

  function fmt(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (all, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : all;
    });
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === null || value === undefined || value === false) return;
      if (name === "text") node.textContent = value;
      else if (name === "className") node.className = value;
      else node.setAttribute(name, value === true ? "" : value);
    });
    (children || []).forEach(function (child) {
      if (child !== null && child !== undefined) node.appendChild(child);
    });
    return node;
  }

  function when(iso, T, lang, zone) {
    if (!iso) return "";
    var date = new Date(iso);
    if (isNaN(date.getTime())) return String(iso);
    zone = zone || T.time_zone;
    var options = { dateStyle: "medium", timeStyle: "short", hourCycle: "h23", timeZone: zone };
    var locale = /^en/.test(lang || "") ? "en-GB" : lang || undefined;  // 10 Dec 2026, 05:04
    var text;
    try {
      text = date.toLocaleString(locale, options);
    } catch (unknownZone) {  // a browser that does not know the zone: the device's clock
      delete options.timeZone;
      return date.toLocaleString(locale, options);
    }
    var label = zone === T.time_zone ? T.zone_label : zone;
    return fmt(T.at_zone, { time: text, zone: label });
  }

  window.CompetitionDom = { fmt: fmt, el: el, when: when };
})();
