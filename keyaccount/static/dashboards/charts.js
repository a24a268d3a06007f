/* Draws every dashboard chart from the JSON block named by its canvas's data-chart attribute
   (rendered by Django's json_script from dashboards.charts.payload). The same numbers are in the
   table next to each chart and in its CSV export. */
(function () {
  "use strict";
  var PALETTE = ["#2f6fde", "#2a9d5c", "#e0a100", "#d64545", "#7a5cc7", "#3aa7b8", "#8a8f98"];
  var BANDS = { red: "#d64545", yellow: "#e0a100", green: "#2a9d5c", unknown: "#b8bcc4" };

  function colours(spec) {
    // Health bands keep their colours whatever the language of their labels.
    if (spec.type === "doughnut" && spec.labels.length === 4) {
      return [BANDS.red, BANDS.yellow, BANDS.green, BANDS.unknown];
    }
    return null;
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source || typeof Chart === "undefined") { return; }
    var spec = JSON.parse(source.textContent);
    var slices = colours(spec);
    var datasets = spec.datasets.map(function (set, i) {
      var colour = PALETTE[i % PALETTE.length];
      return {
        label: set.label,
        data: set.data,
        backgroundColor: slices || colour,
        borderColor: slices ? "#fff" : colour,
        spanGaps: false,
        tension: 0.2
      };
    });
    var options = { responsive: true, maintainAspectRatio: false, animation: false };
    if (spec.type !== "doughnut") {
      options.scales = { x: { stacked: spec.stacked }, y: { stacked: spec.stacked, beginAtZero: true } };
    }
    new Chart(canvas, { type: spec.type, data: { labels: spec.labels, datasets: datasets }, options: options });
  }

  function drawAll() {
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
