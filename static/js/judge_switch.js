/* The question before another judge's link takes over a tablet (templates/judge/switch.html):
 * how many marks of the judge signed in now are still waiting on this tablet. They stay in
 * that judge's queue whatever is chosen (judge_store.js); going back lets them be sent first.
 */
(function () {
  "use strict";

  var root = document.getElementById("judge-switch");
  if (!root) return;
  var store = window.CompetitionJudge.store.forJudge(root.getAttribute("data-judge-id"));
  var count = store.loadQueue().length;
  var waiting = document.getElementById("switch-waiting");
  if (!count) return;
  waiting.textContent = window.CompetitionDom.fmt(waiting.getAttribute("data-text"), {
    count: count
  });
  waiting.hidden = false;
  root.classList.add("has-waiting");
})();
