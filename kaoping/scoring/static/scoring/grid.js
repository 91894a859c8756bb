// The score grid: move with the keyboard, edit the evidence note of the chosen cell, check values as
// they are typed, and post only the changed cells. The server decides; these checks only catch obvious
// mistakes early, with the server's own messages.
(function () {
  "use strict";
  const form = document.querySelector("[data-score-grid]");
  if (!form) return;
  const text = JSON.parse(document.getElementById("grid-messages").textContent);
  const readOnly = form.hasAttribute("data-read-only");
  const table = form.querySelector("table.score-grid");
  const columns = Array.from(table.querySelectorAll("thead tr.gh-codes th"));
  const rows = Array.from(table.tBodies).flatMap((body) => Array.from(body.rows).filter((r) => !r.classList.contains("gr")));
  const rowIndex = new Map(rows.map((row, i) => [row, i]));
  const where = document.getElementById("grid-where");
  const what = document.getElementById("grid-what");
  const noteField = document.getElementById("grid-note");
  const cellError = document.getElementById("grid-cell-error");
  const dirtyBadge = document.getElementById("grid-dirty");
  let current = null; // the chosen cell: an input, or a read-only td
  let valueOnFocus = "";
  let submitting = false;
  // As in a spreadsheet: a cell just chosen (by click, keyboard or a click into the cell that already
  // has the focus) is replaced by what is typed; a double click edits the value in place.
  let replacing = false;
  const scroller = form.querySelector(".grid-scroll");

  const format = (message, values) => message.replace(/%\((\w+)\)s/g, (_m, key) => values[key] ?? "");
  const position = (cell) => {
    const td = cell.closest("td");
    return [rowIndex.get(td.parentElement), td.cellIndex - 1];
  };
  const cellAt = (r, c) => {
    const row = rows[r];
    const td = row && row.cells[c + 1];
    return td ? (readOnly ? td : td.querySelector("input")) : null;
  };

  // What a Chinese input method types, as kaoping/core/numbers.py reads it: full-width digits, ．
  // and 。 as the decimal point, full-width minus and comma; the server's parser has the last word.
  const WIDE = { "．": ".", "。": ".", "，": ",", "－": "-", "−": "-", "＋": "+" };
  const fold = (raw) =>
    raw.replace(/[\uFF10-\uFF19]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0)).replace(/[．。，－−＋]/g, (ch) => WIDE[ch]);

  // The rule of services.cell_problem, for the obvious mistakes.
  function problem(column, raw) {
    const typed = raw.trim();
    if (!typed) return "";
    const value = fold(typed).replace(/^(\+?)(\d{1,3}(,\d{3})+)(?=\.|$)/, (_m, sign, whole) => sign + whole.replaceAll(",", ""));
    if (!/^\+?(\d+\.?\d*|\.\d+)$/.test(value)) {
      return /^-\s*(\d+\.?\d*|\.\d+)$/.test(value) ? text.negative : format(text.nan, { value: typed });
    }
    const number = Number(value);
    const decimals = value.includes(".") ? value.split(".")[1].length : 0;
    if (decimals > 2 && !/^0+$/.test(value.split(".")[1].slice(2))) return text.places;
    const rule = column.dataset.rule;
    const whole = Number.isInteger(number);
    if (rule === "manual" && number > Number(column.dataset.max)) {
      return format(text.max, { code: column.dataset.code, max: column.dataset.max });
    }
    if ((rule === "pass_fail" || rule === "veto") && number !== 0 && number !== 1) return text.pass_fail;
    if (rule === "rank" && !column.hasAttribute("data-proportional") && (number < 1 || !whole)) return text.rank;
    if (rule === "per_occurrence" && !whole) return text.count;
    return "";
  }

  const saved = (input) => input.dataset.saved ?? input.defaultValue;
  const savedNote = (input) => input.dataset.savedNote ?? input.dataset.note ?? "";
  const note = (input) => input.dataset.note ?? "";
  const isDirty = (input) => input.value.trim() !== saved(input).trim() || note(input) !== savedNote(input);

  // A raw value far above the column's target: queried, not refused (it may be true).
  function doubt(column, raw) {
    const value = Number(fold(raw.trim()).replaceAll(",", ""));
    if (!raw.trim() || Number.isNaN(value)) return "";
    if (column.dataset.plausible && value > Number(column.dataset.plausible)) {
      return format(text.implausible, { value: raw.trim(), target: column.dataset.target });
    }
    if (column.dataset.rule === "rank" && !column.hasAttribute("data-proportional") && value > rows.length) {
      return format(text.rank_implausible, { value: raw.trim(), count: rows.length });
    }
    return "";
  }

  function check(input) {
    const [, c] = position(input);
    let message = problem(columns[c], input.value);
    const warning = message ? "" : doubt(columns[c], input.value);
    input.classList.toggle("gc-warn", Boolean(warning));
    if (!message && !input.value.trim() && note(input) && note(input) !== savedNote(input)) message = text.note_needs_value;
    if (!message && input.dataset.error && input.value === input.defaultValue) message = input.dataset.error;
    input.classList.toggle("is-invalid", Boolean(message));
    input.toggleAttribute("aria-invalid", Boolean(message));
    input.title = message || warning;
    input.classList.toggle("gc-dirty", !message && isDirty(input));
    const shown = input.parentElement.querySelector(".gc-error:not(.gc-conflict)");
    if (shown && !message) shown.remove();
    if (input === current) {
      cellError.textContent = message || warning;
      cellError.classList.toggle("is-warning", !message && Boolean(warning));
    }
    return message;
  }

  let dirtyCount = 0;
  function countDirty() {
    if (readOnly) return;
    dirtyCount = form.querySelectorAll("input.gc-dirty, input.gc.is-invalid").length;
    dirtyBadge.textContent = format(text.changed, { count: dirtyCount });
    dirtyBadge.classList.toggle("d-none", dirtyCount === 0);
  }

  function choose(cell) {
    if (current) {
      current.closest("tr").classList.remove("gc-row");
      const [, c] = position(current);
      columns[c].classList.remove("gc-col");
    }
    current = cell;
    const [, c] = position(cell);
    const column = columns[c];
    const row = cell.closest("tr");
    row.classList.add("gc-row");
    column.classList.add("gc-col");
    where.textContent = `${row.cells[0].firstChild.textContent.trim()} · ${column.dataset.code} ${column.dataset.name}`;
    what.textContent = column.dataset.describe;
    what.title = column.dataset.describe;
    noteField.disabled = false;
    noteField.value = readOnly ? cell.dataset.note || "" : note(cell);
    cellError.textContent = readOnly ? "" : cell.title;
    cellError.classList.toggle("is-warning", !readOnly && cell.classList.contains("gc-warn"));
    reveal(cell.closest("td"));
  }

  // Keep the chosen cell clear of the frozen name column and header rows (focus alone scrolls it
  // only into the scrolling box, where the sticky cells may cover it).
  function reveal(td) {
    const box = scroller.getBoundingClientRect();
    const cell = td.getBoundingClientRect();
    const nameRight = td.parentElement.cells[0].getBoundingClientRect().right;
    const headBottom = table.tHead.getBoundingClientRect().bottom;
    if (cell.left < nameRight) scroller.scrollLeft -= nameRight - cell.left;
    else if (cell.right > box.right) scroller.scrollLeft += cell.right - box.right;
    if (cell.top < headBottom) scroller.scrollTop -= headBottom - cell.top;
    else if (cell.bottom > box.bottom) scroller.scrollTop += cell.bottom - box.bottom;
  }

  function move(from, dr, dc) {
    const [r, c] = position(from);
    const target = cellAt(r + dr, c + dc);
    if (target) {
      target.focus();
      if (readOnly) choose(target);
    }
    return Boolean(target);
  }

  if (readOnly) {
    table.addEventListener("click", (event) => {
      const td = event.target.closest("td.gc-ro");
      if (td) choose(td);
    });
    return;
  }

  table.addEventListener("focusin", (event) => {
    const input = event.target;
    if (!input.classList.contains("gc")) return;
    choose(input);
    valueOnFocus = input.value;
    replacing = true;
    input.select();
  });

  // A single click chooses the cell whole, even the one that already has the focus (the browser
  // would otherwise drop a caret into it, and "2" typed after "3" would make "32").
  table.addEventListener("mousedown", (event) => {
    const input = event.target;
    if (event.button !== 0 || !input.classList || !input.classList.contains("gc") || event.detail > 1) return;
    event.preventDefault();
    if (document.activeElement === input) {
      replacing = true;
      input.select();
    } else {
      input.focus({ preventScroll: true });
    }
  });
  table.addEventListener("dblclick", (event) => {
    if (event.target.classList && event.target.classList.contains("gc")) replacing = false;
  });
  // A Chinese input method's first character replaces the value too.
  table.addEventListener("compositionstart", (event) => {
    if (replacing && event.target.classList.contains("gc")) {
      event.target.value = "";
      replacing = false;
    }
  });

  table.addEventListener("input", (event) => {
    if (event.target.classList.contains("gc")) {
      check(event.target);
      countDirty();
    }
  });

  table.addEventListener("keydown", (event) => {
    const input = event.target;
    if (!input.classList.contains("gc") || event.isComposing) return;
    const start = input.selectionStart;
    const end = input.selectionEnd;
    const all = start === 0 && end === input.value.length;
    let handled = false;
    const typing = event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey;
    if (replacing && typing) {
      input.value = ""; // the key's own character then goes into the empty cell
      replacing = false;
      return;
    }
    if (replacing && (event.key === "Backspace" || event.key === "Delete")) {
      event.preventDefault();
      input.value = "";
      replacing = false;
      check(input);
      countDirty();
      return;
    }
    switch (event.key) {
      case "Enter":
        handled = true;
        move(input, event.shiftKey ? -1 : 1, 0);
        break;
      case "ArrowDown":
        handled = move(input, 1, 0);
        break;
      case "ArrowUp":
        handled = move(input, -1, 0);
        break;
      case "ArrowLeft":
        if (replacing || all || (start === 0 && end === 0)) handled = move(input, 0, -1);
        break;
      case "ArrowRight":
        if (replacing || all || (start === input.value.length && end === start)) handled = move(input, 0, 1);
        break;
      case "Escape":
        handled = true;
        input.value = valueOnFocus;
        check(input);
        countDirty();
        replacing = true;
        input.select();
        break;
      case "F2":
        handled = true;
        noteField.focus();
        break;
      default:
        if (event.altKey && (event.key === "n" || event.key === "N")) {
          handled = true;
          noteField.focus();
        }
    }
    if (handled) event.preventDefault();
  });

  let noteOnFocus = "";
  noteField.addEventListener("focus", () => {
    noteOnFocus = noteField.value;
  });
  noteField.addEventListener("input", () => {
    if (!current) return;
    if (!("savedNote" in current.dataset)) current.dataset.savedNote = note(current);
    current.dataset.note = noteField.value.trim();
    current.parentElement.classList.toggle("has-note", Boolean(current.dataset.note));
    check(current);
    countDirty();
  });
  noteField.addEventListener("keydown", (event) => {
    if (!current || event.isComposing) return;
    if (event.key === "Escape") {
      noteField.value = noteOnFocus;
      noteField.dispatchEvent(new Event("input"));
    }
    if (event.key === "Enter" || event.key === "Escape") {
      event.preventDefault();
      current.focus();
    }
  });

  function add(name, value) {
    const hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = name;
    hidden.value = value;
    hidden.dataset.added = "";
    form.appendChild(hidden);
  }

  // A cell changed by someone else meanwhile: take their value back into the cell.
  table.addEventListener("click", (event) => {
    const button = event.target.closest("button.gc-take");
    if (!button) return;
    const input = button.closest("td").querySelector("input.gc");
    input.value = input.dataset.theirs ?? "";
    input.dataset.note = input.dataset.theirsNote ?? "";
    delete input.dataset.savedNote;
    input.dataset.saved = input.value;
    delete input.dataset.error;
    input.defaultValue = input.value;
    button.parentElement.textContent = text.took;
    check(input);
    countDirty();
    input.focus();
  });

  // Post only what changed: unchanged inputs are disabled for the submission, changed notes added.
  form.addEventListener("submit", (event) => {
    const inputs = Array.from(form.querySelectorAll("input.gc"));
    const invalid = inputs.filter((input) => check(input));
    if (invalid.length) {
      event.preventDefault();
      alert(text.fix);
      invalid[0].focus();
      return;
    }
    const changed = inputs.filter(isDirty);
    if (!changed.length) {
      event.preventDefault();
      alert(text.nothing);
      return;
    }
    form.querySelectorAll("input[data-added]").forEach((el) => el.remove());
    for (const input of inputs) {
      if (!changed.includes(input)) {
        input.disabled = true;
      } else {
        // The version the cell was loaded with: the server refuses the save if it changed since.
        add("r-" + input.name.slice(2), input.dataset.v ?? "0");
        if (note(input) !== savedNote(input)) add("n-" + input.name.slice(2), note(input));
      }
    }
    noteField.disabled = true;
    submitting = true;
    keepPlace(current);
  });

  // Coming back to the page from the history: every cell can be typed in again.
  window.addEventListener("pageshow", () => {
    form.querySelectorAll("input.gc:disabled").forEach((input) => (input.disabled = false));
    submitting = false;
  });
  window.addEventListener("beforeunload", (event) => {
    if (!submitting && dirtyCount > 0) {
      event.preventDefault();
      event.returnValue = text.unsaved;
    }
  });
  // Submitting the sheet with unsaved changes would leave them behind: say so first.
  document.querySelectorAll("form[data-grid-submit]").forEach((submitForm) => {
    submitForm.addEventListener("submit", (event) => {
      if (dirtyCount > 0) {
        if (!confirm(text.unsaved)) event.preventDefault();
        else submitting = true;
      }
    });
  });

  // After saving, the page comes back where it was: the window's and the grid's scroll, and the cell.
  function keepPlace(cell) {
    const place = { x: window.scrollX, y: window.scrollY, left: scroller.scrollLeft, top: scroller.scrollTop, cell: cell && cell.name };
    sessionStorage.setItem("kaoping-grid:" + location.pathname, JSON.stringify(place));
  }
  function restorePlace() {
    const key = "kaoping-grid:" + location.pathname;
    const kept = sessionStorage.getItem(key);
    sessionStorage.removeItem(key);
    if (!kept) return false;
    const place = JSON.parse(kept);
    scroller.scrollLeft = place.left;
    scroller.scrollTop = place.top;
    window.scrollTo(place.x, place.y);
    const cell = place.cell && form.querySelector(`input.gc[name="${CSS.escape(place.cell)}"]`);
    if (cell) cell.focus({ preventScroll: true });
    return true;
  }

  form.querySelectorAll("input.gc.is-invalid, input.gc-dirty, input.gc").forEach(check);
  countDirty();
  const firstError = form.querySelector("input.gc.is-invalid");
  restorePlace();
  if (firstError) firstError.focus();
})();
