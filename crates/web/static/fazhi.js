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
