// fazhi's few scripts; every page works without them.
"use strict";

// 插入数据项: each picker takes the figure list once from <template id="figure-options"> and
// writes the chosen {数据项} into its section's text at the cursor.
(function () {
  const options = document.getElementById("figure-options");
  document.querySelectorAll("select.figure-picker").forEach(function (picker) {
    if (options) picker.append(options.content.cloneNode(true));
    picker.addEventListener("change", function () {
      const area = document.getElementById(picker.dataset.target);
      if (!picker.value || !area) return;
      const text = "{" + picker.value + "}";
      const start = area.selectionStart ?? area.value.length;
      const end = area.selectionEnd ?? start;
      area.value = area.value.slice(0, start) + text + area.value.slice(end);
      area.focus();
      area.selectionStart = area.selectionEnd = start + text.length;
      picker.value = "";
    });
  });
})();

// 待办: the number of things waiting, beside each menu entry (from the 工作台's list).
(function () {
  const nav = document.querySelector("nav.side");
  if (!nav || !window.fetch) return;
  fetch("/api/v1/todo", { credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (todo) {
      if (!todo) return;
      const counts = Object.assign({}, todo.by_module, { dashboard: todo.total });
      Object.keys(counts).forEach(function (module) {
        const link = nav.querySelector('a[data-module="' + module + '"]');
        if (!link || !counts[module]) return;
        const badge = document.createElement("span");
        badge.className = "badge";
        badge.textContent = counts[module];
        badge.setAttribute("aria-label", counts[module] + "项待办");
        link.append(" ", badge);
      });
    })
    .catch(function () {});
})();
