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

// 图表: an element with data-chart='{"type":"bar"|"line"|"pie","title":…,"labels":[…],"values":[…]}'
// becomes an ECharts chart. ECharts (served by fazhi itself) is loaded only on pages with charts;
// the table beside each chart states the same figures for readers without scripts.
(function () {
  const charts = document.querySelectorAll("[data-chart]");
  if (!charts.length) return;
  const draw = function () {
    charts.forEach(function (el) {
      let spec;
      try { spec = JSON.parse(el.dataset.chart); } catch (e) { return; }
      const chart = window.echarts.init(el, null, { renderer: "svg" });
      const series = spec.type === "pie"
        ? [{ type: "pie", radius: "65%", data: spec.labels.map(function (l, i) { return { name: l, value: spec.values[i] }; }) }]
        : [{ type: spec.type, data: spec.values, itemStyle: { color: "#b42318" }, label: { show: spec.values.length <= 16, position: "top" } }];
      chart.setOption({
        title: { text: spec.title, left: "center", textStyle: { fontSize: 14 } },
        tooltip: { trigger: spec.type === "pie" ? "item" : "axis" },
        grid: { left: 48, right: 16, top: 40, bottom: 64 },
        xAxis: spec.type === "pie" ? undefined : { type: "category", data: spec.labels, axisLabel: { interval: 0, rotate: spec.labels.length > 8 ? 40 : 0 } },
        yAxis: spec.type === "pie" ? undefined : { type: "value", minInterval: 1 },
        series: series,
        animation: false,
      });
      el.dataset.drawn = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    });
  };
  if (window.echarts) { draw(); return; }
  const s = document.createElement("script");
  s.src = "/static/echarts.min.js";
  s.onload = draw;
  document.head.append(s);
})();

// A form that undoes something asks first (data-confirm holds the question).
document.addEventListener("submit", function (e) {
  const question = e.target.dataset && e.target.dataset.confirm;
  if (question && !window.confirm(question)) e.preventDefault();
});
