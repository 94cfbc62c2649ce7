/*
 * Draws the dashboard charts with Chart.js (vendored in /static/vendor/chartjs, MIT licence).
 *
 * Each chart is a <canvas data-chart='{...}'> holding its data as JSON (no inline script: the site's
 * Content-Security-Policy allows only script files from 'self'). The JSON holds: type ("bar" or "line"), labels, datasets [{label, data}], and optionally
 * stacked (bool), horizontal (bool), integer (bool: whole-number axis), unit (text after values).
 * The same numbers are in a table next to every chart; the canvas is hidden from screen readers.
 */
(function () {
  "use strict";

  // Okabe–Ito palette: distinguishable with the common kinds of colour blindness.
  var PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999", "#F0E442", "#000000"];

  function reducedMotion() {
    return window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  }

  function datasetsOf(spec) {
    return spec.datasets.map(function (dataset, index) {
      var colour = dataset.colour || PALETTE[index % PALETTE.length];
      return {
        label: dataset.label,
        data: dataset.data,
        backgroundColor: colour,
        borderColor: colour,
        borderWidth: spec.type === "line" ? 2 : 0,
        pointRadius: spec.type === "line" ? 3 : undefined,
        maxBarThickness: 48,
        fill: false,
        tension: 0.1,
        spanGaps: false
      };
    });
  }

  function optionsOf(spec) {
    var valueAxis = spec.horizontal ? "x" : "y";
    var categoryAxis = spec.horizontal ? "y" : "x";
    var scales = {};
    scales[categoryAxis] = {stacked: !!spec.stacked, ticks: {autoSkip: false}};
    scales[valueAxis] = {stacked: !!spec.stacked, beginAtZero: true, ticks: {}};
    if (spec.integer) {
      scales[valueAxis].ticks.precision = 0;
    }
    if (spec.max) {
      scales[valueAxis].max = spec.max;
    }
    var unit = spec.unit || "";
    return {
      indexAxis: spec.horizontal ? "y" : "x",
      responsive: true,
      maintainAspectRatio: false,
      animation: reducedMotion() ? false : {duration: 400},
      scales: scales,
      plugins: {
        legend: {display: true, position: "bottom"},
        tooltip: {
          callbacks: {
            label: function (context) {
              var value = spec.horizontal ? context.parsed.x : context.parsed.y;
              return context.dataset.label + ": " + (value === null ? "—" : value) + unit;
            }
          }
        }
      }
    };
  }

  function draw(canvas) {
    var spec;
    try {
      spec = JSON.parse(canvas.getAttribute("data-chart"));
    } catch (error) {
      return; // the table next to the chart still shows the numbers
    }
    new window.Chart(canvas, {
      type: spec.type || "bar",
      data: {labels: spec.labels, datasets: datasetsOf(spec)},
      options: optionsOf(spec)
    });
  }

  function start() {
    if (typeof window.Chart === "undefined") {
      return;
    }
    window.Chart.defaults.font.family = '"Hiragino Sans", "Noto Sans JP", "Yu Gothic", Meiryo, sans-serif';
    window.Chart.defaults.color = "#1f2933";
    Array.prototype.forEach.call(document.querySelectorAll("canvas[data-chart]"), draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
