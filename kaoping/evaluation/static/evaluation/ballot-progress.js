// The ballot's progress counter: how many cadres have a grade, how many are left. After a submission
// refused as incomplete the server marks the cadres still unrated; a mark goes as soon as the cadre
// gets a grade, and the page starts at the first one still unrated.
(function () {
  var form = document.getElementById("ballot-form");
  if (!form) return;
  var targets = form.querySelectorAll("[data-ballot-target]");
  var rated = document.getElementById("ballot-rated");
  var left = document.getElementById("ballot-left");
  var leftN = document.getElementById("ballot-left-n");
  var bar = document.getElementById("ballot-bar");

  function update() {
    var n = 0;
    targets.forEach(function (target) {
      if (!target.querySelector("input.btn-check:checked")) return;
      n += 1;
      if (target.classList.contains("ballot-missing")) {
        target.classList.remove("ballot-missing", "border-danger", "border-2");
        var badge = target.querySelector("[data-ballot-missing]");
        if (badge) badge.remove();
      }
    });
    rated.textContent = n;
    leftN.textContent = targets.length - n;
    left.hidden = n === targets.length;
    bar.style.width = (targets.length ? (100 * n) / targets.length : 0) + "%";
  }

  form.addEventListener("change", update);
  update();
  var first = form.querySelector(".ballot-missing");
  if (first) first.scrollIntoView({ block: "center" });
})();
