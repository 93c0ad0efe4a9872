// Offline charts for market pages: ECharts scatter on longitude/latitude (no tile
// server, no internet) and the status funnel. Data comes from json_script tags.
(function () {
  "use strict";
  function readJson(id) {
    const node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  function mount(id) {
    const el = document.getElementById(id);
    if (!el || typeof echarts === "undefined") { return null; }
    const chart = echarts.init(el, null, { renderer: "canvas" });
    window.addEventListener("resize", () => chart.resize());
    return chart;
  }
  function drawMap() {
    const data = readJson("map-data");
    const chart = data && mount("market-map");
    if (!chart) { return; }
    const labels = readJson("map-labels") || {};
    const symbols = { ka_store: "rect", wholesale: "triangle", wholesale_market: "diamond",
      catering: "circle", canteen: "roundRect", small_store: "circle" };
    const series = Object.keys(data).filter((k) => data[k].length).map((kind) => ({
      name: labels[kind] || kind,
      type: "scatter",
      symbol: symbols[kind] || "circle",
      symbolSize: kind === "wholesale_market" ? 16 : (kind === "ka_store" ? 12 : 8),
      data: data[kind],
      large: data[kind].length > 300,
    }));
    chart.setOption({
      animation: false,
      tooltip: { trigger: "item", formatter: (p) => p.value[2] },
      legend: { top: 0, type: "scroll" },
      grid: { left: 48, right: 16, top: 40, bottom: 32 },
      xAxis: { type: "value", scale: true, name: "E", splitLine: { lineStyle: { type: "dashed" } } },
      yAxis: { type: "value", scale: true, name: "N", splitLine: { lineStyle: { type: "dashed" } } },
      dataZoom: [{ type: "inside", xAxisIndex: 0 }, { type: "inside", yAxisIndex: 0 }],
      series: series,
    });
  }
  function drawFunnel() {
    const data = readJson("funnel-data");
    const chart = data && mount("status-funnel");
    if (!chart) { return; }
    // Width = markets that reached at least this stage (a true funnel); the label
    // shows how many sit at the stage now. Paused markets are outside the pipeline.
    const pipeline = data.filter((row) => row.value !== "paused");
    let reached = 0;
    const rows = pipeline.slice().reverse().map((row) => {
      reached += row.count;
      return { name: row.name, value: reached, count: row.count, status: row.value };
    }).reverse();
    chart.setOption({
      animation: false,
      tooltip: { trigger: "item", formatter: (p) => p.name + ": " + p.data.count + " (≥ " + p.value + ")" },
      series: [{
        type: "funnel", sort: "none", left: "10%", width: "80%", min: 0, minSize: "12%", gap: 2,
        label: { show: true, position: "inside", formatter: (p) => p.name + " " + p.data.count },
        data: rows,
      }],
    });
    chart.on("click", (params) => {
      const row = params.data;
      if (row) { window.location.search = "?status=" + encodeURIComponent(row.status); }
    });
  }
  // ECharts (~1 MB) is fetched only when a chart will be drawn: at once on wide screens,
  // on a tap of "Show map" on phones, so phone pages stay within their transfer budget.
  let loading = null;
  function loadECharts(src) {
    if (typeof echarts !== "undefined") { return Promise.resolve(); }
    if (!loading) {
      loading = new Promise((resolve, reject) => {
        const script = document.createElement("script");
        script.src = src;
        script.onload = resolve;
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return loading;
  }
  function draw() { drawMap(); drawFunnel(); }
  document.addEventListener("DOMContentLoaded", () => {
    const holder = document.querySelector("[data-echarts-src]");
    if (!holder) { return; }
    const src = holder.dataset.echartsSrc;
    const wide = window.matchMedia("(min-width: 768px)").matches;
    const button = document.querySelector("[data-show-chart]");
    if (wide) {
      loadECharts(src).then(draw);
    } else if (button) {
      button.hidden = false;
      button.addEventListener("click", () => {
        document.querySelectorAll(".chart").forEach((el) => el.classList.add("shown"));
        button.hidden = true;
        loadECharts(src).then(draw);
      });
    }
  });
})();
