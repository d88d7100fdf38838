/* A criterion's scale on the judge's tablet: its values, whether a typed value is on it, and
 * the stepper's moves. No page state: judge_entry.js asks, the server decides in the end.
 *
 * Values are counted in whole units of the scale's finest decimal (0.5 on 0–10 / 0.5 is 5
 * units of 0.1), so stepping and "on the step?" never meet a float's rounding.
 *
 * window.CompetitionJudge.scale:
 *   of(criterion) -> {digits, factor, min, max, step, stepped, count, units(text)};
 *   textOf(scale, units) -> the value as the judge reads it ("7.5", not "7.50");
 *   problem(criterion, text, strings) -> why the text is not a value of the scale, or null;
 *   step(criterion, typed, steps) -> the text `steps` steps from the typed value (clamped).
 */
(function () {
  "use strict";

  var fmt = window.CompetitionDom.fmt;
  var NUMBER = /^-?\d+(\.\d+)?$/;

  function decimals(text) {
    var dot = String(text).indexOf(".");
    return dot < 0 ? 0 : String(text).length - dot - 1;
  }

  function scaleOf(criterion) {
    var digits = Math.max(decimals(criterion.min), decimals(criterion.max),
      criterion.step ? decimals(criterion.step) : 0);
    var factor = Math.pow(10, digits);
    var units = function (text) { return Math.round(parseFloat(text) * factor); };
    var scale = {
      digits: digits,
      factor: factor,
      min: units(criterion.min),
      max: units(criterion.max),
      step: criterion.step ? units(criterion.step) : 1,
      stepped: Boolean(criterion.step),
      units: units
    };
    scale.count = Math.floor((scale.max - scale.min) / scale.step) + 1;
    return scale;
  }

  function textOf(scale, units) {
    var text = (units / scale.factor).toFixed(scale.digits);
    return scale.digits ? text.replace(/\.?0+$/, "") : text;
  }

  // the texts come from the page (#judge-strings): this file holds no language
  function valueProblem(criterion, text, T) {
    if (!NUMBER.test(text)) return T.not_a_number;
    var scale = scaleOf(criterion);
    var value = parseFloat(text);
    if (value < parseFloat(criterion.min) || value > parseFloat(criterion.max)) {
      return fmt(T.out_of_scale, { value: text, min: criterion.min, max: criterion.max });
    }
    if (criterion.step && (decimals(text) > scale.digits ||
        (scale.units(text) - scale.min) % scale.step !== 0)) {
      return fmt(T.off_step, { value: text, step: criterion.step });
    }
    return null;
  }

  /* The stepper: nothing typed (or not a number) starts at the bottom of the scale; a move
   * never leaves the scale and lands on a step. */
  function step(criterion, typed, steps) {
    var scale = scaleOf(criterion);
    var current = NUMBER.test(typed) ? scale.units(typed) : null;
    var moved = current === null ? scale.min : current + steps * scale.step;
    moved = Math.max(scale.min, Math.min(scale.max, moved));
    if (scale.stepped) moved = scale.min + Math.round((moved - scale.min) / scale.step) * scale.step;
    return textOf(scale, moved);
  }

  var judge = (window.CompetitionJudge = window.CompetitionJudge || {});
  judge.scale = { of: scaleOf, textOf: textOf, problem: valueProblem, step: step };
})();
