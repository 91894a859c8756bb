// The scheme screens: rule parameters shown for the chosen rule, the live sum of weights, and
// confirmations. Without JavaScript every field stays visible and the server checks the same rules.
document.querySelectorAll("form[data-rule-form]").forEach((form) => {
  const kind = form.querySelector("select[name=rule_kind]");
  const proportional = form.querySelector("input[name=proportional]");
  if (!kind) return;
  const update = () => {
    form.querySelectorAll("[data-rule-only]").forEach((box) => {
      let applies = box.dataset.ruleOnly.split(" ").includes(kind.value);
      if (applies && proportional && box.querySelector("input[name=ladder_step]")) {
        applies = !proportional.checked;
      }
      box.hidden = !applies;
    });
  };
  kind.addEventListener("change", update);
  if (proportional) proportional.addEventListener("change", update);
  update();
});

document.querySelectorAll("form[data-weights-form]").forEach((form) => {
  const inputs = [...form.querySelectorAll("input[data-category]")];
  const format = (n) => String(Math.round(n * 100) / 100);
  const update = () => {
    const sums = {};
    let total = 0;
    inputs.forEach((input) => {
      const value = parseFloat(input.value);
      if (!Number.isNaN(value)) {
        total += value;
        sums[input.dataset.category] = (sums[input.dataset.category] || 0) + value;
      }
    });
    form.querySelectorAll("[data-category-sum]").forEach((cell) => {
      cell.textContent = format(sums[cell.dataset.categorySum] || 0);
    });
    form.querySelectorAll("[data-weight-sum]").forEach((cell) => { cell.textContent = format(total); });
  };
  inputs.forEach((input) => input.addEventListener("input", update));
});

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
});
