// Live totals of the target grid: row, sub-region, month and grid totals and the
// difference from HQ's figure follow what is typed. The server recomputes all of them
// on save, so the page works without this script.
(function () {
  "use strict";
  const form = document.querySelector("[data-target-grid]");
  if (!form) return;
  const format = new Intl.NumberFormat(document.documentElement.lang || undefined, {
    maximumFractionDigits: 0,
    useGrouping: false,
  });
  const number = (input) => {
    const value = parseFloat(input.value);
    return Number.isFinite(value) ? value : 0;
  };
  const cellName = /^c-(.+)-(\d+)$/;

  function recompute() {
    const monthTotals = new Array(12).fill(0);
    form.querySelectorAll("tbody[data-group]").forEach((group) => {
      const groupMonths = new Array(12).fill(0);
      group.querySelectorAll("tr[data-row]").forEach((row) => {
        let total = 0;
        row.querySelectorAll("input").forEach((input) => {
          const match = cellName.exec(input.name);
          if (!match) return;
          const value = number(input);
          total += value;
          if (row.dataset.kind === "market") groupMonths[Number(match[2]) - 1] += value;
        });
        const cell = row.querySelector("[data-row-total]");
        if (cell) cell.textContent = format.format(total);
      });
      groupMonths.forEach((value, i) => {
        monthTotals[i] += value;
        const cell = group.querySelector(`[data-group-month="${i + 1}"]`);
        if (cell) cell.textContent = format.format(value);
      });
      const groupTotal = group.querySelector("[data-group-total]");
      if (groupTotal) groupTotal.textContent = format.format(groupMonths.reduce((a, b) => a + b, 0));
    });
    monthTotals.forEach((value, i) => {
      const cell = form.querySelector(`[data-month-total="${i + 1}"]`);
      if (cell) cell.textContent = format.format(value);
    });
    const total = monthTotals.reduce((a, b) => a + b, 0);
    const gridTotal = form.querySelector("[data-grid-total]");
    if (gridTotal) gridTotal.textContent = format.format(total);
    const sum = document.querySelector("[data-grid-sum]");
    if (sum) sum.textContent = format.format(total);
    const hq = document.querySelector("[data-hq-value]");
    const difference = document.querySelector("[data-grid-difference]");
    if (hq && difference && hq.dataset.hqValue !== "") {
      const diff = total - parseFloat(hq.dataset.hqValue);
      difference.textContent = format.format(diff);
      difference.classList.toggle("off-target", diff !== 0);
    }
  }

  form.addEventListener("input", (event) => {
    if (event.target.matches("input[type=number]") && cellName.test(event.target.name)) {
      recompute();
    }
  });
})();
