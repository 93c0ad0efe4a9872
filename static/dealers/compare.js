// Six-criteria radar of a market's candidates (data from json_script, no inline script).
document.addEventListener("DOMContentLoaded", () => {
  const holder = document.getElementById("radar");
  const source = document.getElementById("radar-data");
  if (!holder || !source || !window.echarts) return;
  const data = JSON.parse(source.textContent);
  const chart = window.echarts.init(holder);
  chart.setOption({
    legend: { bottom: 0, type: "scroll" },
    tooltip: {},
    radar: { indicator: data.indicator, radius: "62%" },
    series: [{ type: "radar", data: data.series, areaStyle: { opacity: 0.08 } }],
  });
  window.addEventListener("resize", () => chart.resize());
});
