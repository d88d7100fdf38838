/* The award ceremony on the big screen (templates/live/ceremony.html): one slide at a time,
 * the cover first, then each award tier from the lowest up, then the titles. A presenter's
 * clicker sends PageDown / PageUp (or → / ←); the space bar, Enter and a click go on too.
 *
 * window.ceremony = {next(), previous(), slide()} for tests and for the curious.
 */
(function () {
  "use strict";

  var root = document.getElementById("ceremony");
  if (!root) return;
  var slides = Array.prototype.slice.call(root.querySelectorAll(".ceremony-slide"));
  var counter = document.getElementById("ceremony-count");
  var index = 0;
  var NEXT = ["ArrowRight", "ArrowDown", "PageDown", " ", "Spacebar", "Enter", "n"];
  var PREVIOUS = ["ArrowLeft", "ArrowUp", "PageUp", "Backspace", "p"];

  function show(wanted) {
    index = Math.max(0, Math.min(slides.length - 1, wanted));
    slides.forEach(function (slide, at) { slide.hidden = at !== index; });
    root.setAttribute("data-slide", String(index));
    root.setAttribute("data-kind", slides[index].getAttribute("data-kind") || "");
    counter.textContent = index > 0 ? index + " / " + (slides.length - 1) : "";
  }

  function next() { show(index + 1); }
  function previous() { show(index - 1); }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (NEXT.indexOf(event.key) >= 0) next();
    else if (PREVIOUS.indexOf(event.key) >= 0) previous();
    else if (event.key === "Home") show(0);
    else if (event.key === "End") show(slides.length - 1);
    else return;
    event.preventDefault();
  });
  root.addEventListener("click", function (event) {
    if (!event.target.closest("a")) next();
  });

  show(0);
  window.ceremony = { next: next, previous: previous, slide: function () { return index; } };
})();
