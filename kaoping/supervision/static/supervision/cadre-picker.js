// Owner and co-owner pickers: a search box (its results come from the server through htmx) and the
// people picked, each a hidden input of the form with a button to take them off again.
(function () {
  "use strict";
  document.addEventListener("click", (event) => {
    const picked = event.target.closest("[data-pick]");
    if (picked) {
      const picker = picked.closest("[data-picker]");
      const name = picker.dataset.picker;
      const list = picker.querySelector(".picked");
      const search = picker.querySelector("input[type=search]");
      if (!list.querySelector(`input[value="${CSS.escape(picked.dataset.pick)}"]`)) {
        const chip = document.createElement("li");
        chip.className = "badge text-bg-light border fw-normal fs-6 d-inline-flex align-items-center gap-1";
        const input = document.createElement("input");
        input.type = "hidden";
        input.name = name;
        input.value = picked.dataset.pick;
        const where = document.createElement("span");
        where.className = "text-muted small";
        where.textContent = picked.dataset.pickWhere;
        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "btn-close btn-close-sm";
        remove.dataset.unpick = "";
        remove.setAttribute("aria-label", picker.dataset.removeLabel || "×");
        chip.append(input, picked.dataset.pickName, " ", where, remove);
        list.appendChild(chip);
      }
      picker.querySelector(".picker-results").replaceChildren();
      search.value = "";
      search.focus();
      return;
    }
    const unpick = event.target.closest("[data-unpick]");
    if (unpick) unpick.closest("li").remove();
  });
  // Enter in a search box picks the first person found rather than submitting the whole form.
  document.addEventListener("keydown", (event) => {
    const search = event.target.closest && event.target.closest("[data-picker] input[type=search]");
    if (!search || event.key !== "Enter" || event.isComposing) return;
    event.preventDefault();
    const first = search.closest("[data-picker]").querySelector("[data-pick]");
    if (first) first.click();
  });
})();
