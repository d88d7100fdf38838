/* The print buttons of the award list, the certificates, the blind mapping and the judges'
   cards: a handler here rather than an inline onclick, which the CSP forbids. */
"use strict";
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
