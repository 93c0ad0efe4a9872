// Portfolio matrix: accounts as a scatter (attractiveness up, supportiveness across),
// quadrant lines at the template's thresholds, last year's position as a faint arrow.
document.addEventListener("DOMContentLoaded", () => {
  const printButton = document.querySelector("[data-print]");
  if (printButton) printButton.addEventListener("click", () => window.print());
  const box = document.getElementById("ka-matrix-chart");
  const source = document.getElementById("ka-matrix-data");
  if (!box || !source || !window.echarts) return;
  const data = JSON.parse(source.textContent);
  const colors = { star: "#1d7a46", question_mark: "#d48806", cash_cow: "#1f4e9c", dog: "#66788a" };
  const tx = data.thresholds.supportiveness;
  const ty = data.thresholds.attractiveness;
  const series = Object.keys(colors).map((code) => ({
    name: data.labels.quadrants[code],
    type: "scatter",
    symbolSize: 14,
    itemStyle: { color: colors[code] },
    data: data.points
      .filter((p) => p.quadrant === code)
      .map((p) => ({ value: [p.x, p.y], name: p.name, url: p.url })),
  }));
  series[0].markLine = {
    silent: true,
    symbol: "none",
    lineStyle: { color: "#999", type: "dashed" },
    data: [{ xAxis: tx }, { yAxis: ty }],
  };
  series[0].markArea = {
    silent: true,
    label: { color: "#888", fontSize: 13 },
    itemStyle: { color: "transparent" },
    data: [
      [{ name: data.labels.quadrants.star, coord: [tx, ty] }, { coord: [100, 100] }],
      [{ name: data.labels.quadrants.question_mark, coord: [0, ty] }, { coord: [tx, 100] }],
      [{ name: data.labels.quadrants.cash_cow, coord: [tx, 0] }, { coord: [100, ty] }],
      [{ name: data.labels.quadrants.dog, coord: [0, 0] }, { coord: [tx, ty] }],
    ],
  };
  const moves = data.points.filter((p) => p.px !== null && (p.px !== p.x || p.py !== p.y));
  series.push({
    name: data.labels.previous,
    type: "lines",
    coordinateSystem: "cartesian2d",
    silent: true,
    symbol: ["none", "arrow"],
    symbolSize: 7,
    lineStyle: { color: "#aaa", width: 1, opacity: 0.7 },
    data: moves.map((p) => ({ coords: [[p.px, p.py], [p.x, p.y]] })),
  });
  const chart = window.echarts.init(box);
  chart.setOption({
    animation: false,
    grid: { left: 48, right: 16, top: 40, bottom: 48 },
    legend: { top: 0, type: "scroll" },
    tooltip: {
      formatter: (p) =>
        p.data && p.data.name
          ? `${window.echarts.format.encodeHTML(p.data.name)}<br>${p.value[1]} / ${p.value[0]}`
          : "",
    },
    xAxis: { min: 0, max: 100, name: data.labels.x, nameLocation: "middle", nameGap: 28 },
    yAxis: { min: 0, max: 100, name: data.labels.y, nameLocation: "middle", nameGap: 32 },
    series,
  });
  chart.on("click", (params) => {
    if (params.data && params.data.url) window.location.href = params.data.url;
  });
  window.addEventListener("resize", () => chart.resize());
  window.addEventListener("beforeprint", () => chart.resize());
});
