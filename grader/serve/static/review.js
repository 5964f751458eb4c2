// Keyboard navigation of the review page; the page works without it (every key has a link).
"use strict";
document.addEventListener("keydown", function (ev) {
  const t = ev.target;
  const typing = t instanceof HTMLElement && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
  if (typing) {
    if (ev.key === "Escape") { t.blur(); }
    return;
  }
  if (ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
  const go = function (id) {
    const a = document.getElementById(id);
    if (a) { ev.preventDefault(); window.location.assign(a.href); }
  };
  if (ev.key === "j" || ev.key === "ArrowDown") { go("nav-next"); }
  else if (ev.key === "k" || ev.key === "ArrowUp") { go("nav-prev"); }
  else if (ev.key === "n") { go("nav-undecided"); }
  else if (ev.key === "s") {
    const s = document.getElementById("score");
    if (s) { ev.preventDefault(); s.focus(); }
  }
});
// a filter applies as soon as it is chosen
for (const id of ["filter-question", "filter-status"]) {
  const el = document.getElementById(id);
  if (el) { el.addEventListener("change", function () { el.form.submit(); }); }
}
