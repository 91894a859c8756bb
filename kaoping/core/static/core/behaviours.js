// Small page behaviours declared with data attributes, so that templates hold no inline script
// (the Content-Security-Policy allows scripts from static files only).
//   data-submit-on-change   on a field: submit its form when it changes (the language menu)
//   data-clears="name"      on a field: empty the form's field `name` when it changes
//   data-print              on a button: print the page
document.addEventListener("change", function (event) {
  var field = event.target;
  if (!(field instanceof HTMLElement) || !field.form) return;
  var cleared = field.getAttribute("data-clears");
  if (cleared && field.form.elements[cleared]) field.form.elements[cleared].value = "";
  if (field.hasAttribute("data-submit-on-change")) field.form.submit();
});
document.addEventListener("click", function (event) {
  var button = event.target instanceof Element && event.target.closest("[data-print]");
  if (button) window.print();
});
