// Polls a background entrant import and shows its progress; no library, no CDN.
(function () {
  const box = document.getElementById("import-progress");
  if (!box) return;
  const bar = box.querySelector("progress");
  const text = box.querySelector(".status");
  const list = document.getElementById("import-problems");
  async function poll() {
    let state;
    try {
      const response = await fetch(box.dataset.url, { credentials: "same-origin" });
      state = await response.json();
    } catch (error) {
      setTimeout(poll, 1000);  // a dropped connection: try again
      return;
    }
    bar.max = state.total || 1;
    bar.value = state.done;
    text.textContent = state.total ? `${state.done} / ${state.total}` : "…";
    if (!state.finished) {
      setTimeout(poll, 500);
      return;
    }
    if (state.problems.length) {
      box.querySelector(".failed").hidden = false;
      for (const problem of state.problems) {
        const item = document.createElement("li");
        item.textContent = problem;
        list.appendChild(item);
      }
    } else {
      box.querySelector(".done").hidden = false;
      box.querySelector(".count").textContent = state.count;
    }
  }
  poll();
})();
