// Ganglion run report: draws the plots of report.html with uPlot from the stats embedded in the
// page (<script id="run-data" type="application/json">, one object per generation as in
// stats.jsonl). Errors are shown in the page (#report-errors) rather than only in the console.
(function () {
  "use strict";

  var errorBox = document.getElementById("report-errors");
  function showError(msg) {
    if (errorBox) errorBox.textContent += msg + "\n";
  }
  window.addEventListener("error", function (e) { showError("error: " + e.message); });

  var palette = ["#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777",
                 "#65a30d", "#ea580c", "#4f46e5", "#0d9488", "#be123c", "#a16207", "#9333ea"];
  function colour(i) { return palette[i % palette.length]; }
  function fade(hex, alpha) {
    var n = parseInt(hex.slice(1), 16);
    return "rgba(" + (n >> 16) + "," + ((n >> 8) & 255) + "," + (n & 255) + "," + alpha + ")";
  }

  function width(el) { return Math.max(320, Math.floor(el.getBoundingClientRect().width || 560)); }

  // A line plot: series = [{label, values, colour?, dash?}], x = generations.
  function linePlot(id, x, series, yLabel, opts) {
    var el = document.getElementById(id);
    if (!el) return null;
    opts = opts || {};
    var data = [x];
    var uSeries = [{ label: "generation" }];
    series.forEach(function (s, i) {
      data.push(s.values);
      uSeries.push({ label: s.label, stroke: s.colour || colour(i), width: s.width || 1.5,
                     dash: s.dash, fill: s.fill, points: { show: false }, spanGaps: false });
    });
    var plot = new uPlot({
      width: width(el), height: opts.height || 260,
      legend: { show: opts.legend !== false, live: true },
      cursor: { drag: { x: true, y: false } },
      scales: opts.zero ? { x: { time: false }, y: { range: function (u, min, max) { return [0, max > 0 ? max * 1.05 : 1]; } } }
                        : { x: { time: false } },
      axes: [{ label: "generation" }, { label: yLabel, size: 60 }],
      series: uSeries,
      bands: opts.bands || []
    }, data, el);
    el.dataset.rendered = "true";
    return plot;
  }

  // Stacked areas: each series is drawn as the running sum of itself and the ones before it, and
  // filled down to the previous sum (uPlot bands); the legend and cursor show the real values.
  function stackedPlot(id, x, series, yLabel, opts) {
    var n = x.length;
    var running = new Array(n).fill(0);
    var stacked = series.map(function (s) {
      var v = new Array(n);
      for (var i = 0; i < n; ++i) {
        running[i] += s.values[i] == null ? 0 : s.values[i];
        v[i] = running[i];
      }
      return v;
    });
    // uPlot draws later series on top: reverse so that each band sits on the one below it.
    var shown = [], bands = [];
    for (var k = series.length - 1; k >= 0; --k) {
      var c = series[k].colour || colour(k);
      shown.push({ label: series[k].label, values: stacked[k], colour: c, fill: fade(c, 0.35), width: 1 });
    }
    for (var b = 0; b + 1 < shown.length; ++b) bands.push({ series: [b + 1, b + 2] });
    opts = opts || {};
    opts.bands = bands;
    opts.zero = true;  // a stack starts at zero
    return linePlot(id, x, shown, yLabel, opts);
  }

  function run() {
    var rows = JSON.parse(document.getElementById("run-data").textContent);
    if (!rows.length) return;  // the summary says that no generation was recorded
    var gen = rows.map(function (r) { return r.generation; });
    function col(key) { return rows.map(function (r) { return r[key] == null ? null : r[key]; }); }

    linePlot("plot-fitness", gen, [
      { label: "best", values: col("best_fitness"), colour: "#2563eb", width: 2 },
      { label: "mean", values: col("mean_fitness"), colour: "#16a34a" },
      { label: "median", values: col("median_fitness"), colour: "#d97706", dash: [4, 4] },
      { label: "best ever", values: col("best_ever_fitness"), colour: "#111827", dash: [2, 3] }
    ], "fitness");

    // Species ids over the whole run, each with its per-generation best fitness and size.
    var ids = [], seen = {};
    rows.forEach(function (r) {
      (r.species || []).forEach(function (s) { if (!seen[s.id]) { seen[s.id] = true; ids.push(s.id); } });
    });
    ids.sort(function (a, b) { return a - b; });
    function perSpecies(key) {
      return ids.map(function (id, i) {
        return { label: "species " + id, colour: colour(i), values: rows.map(function (r) {
          var s = (r.species || []).find(function (t) { return t.id === id; });
          return s ? s[key] : null;
        }) };
      });
    }
    var many = ids.length > 12;
    linePlot("plot-species-fitness", gen, perSpecies("best_fitness"), "best fitness", { legend: !many });
    stackedPlot("plot-species-sizes", gen, perSpecies("size").map(function (s) {
      s.values = s.values.map(function (v) { return v == null ? 0 : v; });
      return s;
    }), "genomes", { legend: !many });

    linePlot("plot-network-size", gen, [
      { label: "mean nodes", values: col("mean_nodes"), colour: "#2563eb" },
      { label: "mean connections", values: col("mean_connections"), colour: "#dc2626" },
      { label: "best's nodes", values: col("best_nodes"), colour: "#2563eb", dash: [4, 4] },
      { label: "best's connections", values: col("best_connections"), colour: "#dc2626", dash: [4, 4] }
    ], "count");

    var other = rows.map(function (r) {
      var rest = (r.time_total || 0) - (r.time_compile || 0) - (r.time_evaluate || 0) - (r.time_reproduce || 0) -
        (r.time_speciate || 0);
      return Math.max(0, rest);
    });
    stackedPlot("plot-time", gen, [
      { label: "compile", values: col("time_compile"), colour: "#7c3aed" },
      { label: "evaluate", values: col("time_evaluate"), colour: "#2563eb" },
      { label: "reproduce", values: col("time_reproduce"), colour: "#16a34a" },
      { label: "speciate", values: col("time_speciate"), colour: "#ca8a04" },
      { label: "other", values: other, colour: "#9ca3af" }
    ], "seconds");

    linePlot("plot-species-count", gen, [
      { label: "species", values: col("species_count"), colour: "#0891b2", width: 2 },
      { label: "compatibility threshold", values: col("compatibility_threshold"), colour: "#be123c", dash: [4, 4] }
    ], "count / threshold");

    document.body.dataset.plotsRendered = String(document.querySelectorAll(".plot[data-rendered]").length);
  }

  try {
    if (typeof uPlot === "undefined") throw new Error("the uPlot library is missing from the page");
    run();
  } catch (e) {
    showError("could not draw the plots: " + e.message);
    throw e;
  }
})();
