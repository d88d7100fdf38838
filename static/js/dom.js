/*
 * Small DOM helpers shared by the judge's tablet and the live board (no library, no CDN).
 * window.CompetitionDom.fmt("{n} marks", {n: 3}) fills a translated template;
 * window.CompetitionDom.el("p", {text: "…", className: "x"}, [children]) builds an element.
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

  window.CompetitionDom = { fmt: fmt, el: el };
})();
