// Show only the fields that apply to the chosen population (agency category, village, …).
// Without JavaScript every field stays visible and the server checks the same rules.
document.querySelectorAll("form[data-population-form]").forEach((form) => {
  const select = form.querySelector("select[name=population]");
  if (!select) return;
  const update = () => {
    form.querySelectorAll("[data-only-for]").forEach((box) => {
      const applies = !select.value || box.dataset.onlyFor.split(" ").includes(select.value);
      box.hidden = !applies;
      // A hidden field must not send a stale value (a category left over from another choice).
      box.querySelectorAll("input, select").forEach((input) => { input.disabled = !applies; });
    });
  };
  select.addEventListener("change", update);
  update();
});
