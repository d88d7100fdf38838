/* The template chooser: choosing another past contest reloads the page with it, so the
   preview of what it gives is always the chosen contest's (the form works without this). */
"use strict";
const source = document.querySelector("#template-form select[name=source]");
if (source) {
  source.addEventListener("change", () => {
    const [kind, id] = source.value.split(":");
    if (kind === "contest") {
      window.location.search = new URLSearchParams({ source: id }).toString();
    }
  });
}
