// Ganglion run report: draws the plots of report.html with uPlot from the data embedded in the
// page: <script id="run-data"> (one object per generation, as in stats.jsonl) and <script
// id="run-meta"> (resume points, the reload interval of a running run's page). Errors are shown
// in the page (#report-errors) rather than only in the console.
//
// What the page records for its browser test (tests/report_browser_test.cpp), since uPlot draws
// on canvases: each plot's container gets data-rendered, data-series (the legend's labels),
// data-ticks-<axis> (the tick labels last drawn, "|"-separated), data-y-scale (linear, log or
// symlog), data-resume-marks (resume lines drawn) and, for the time plot, data-unit; <body> gets
// data-plots-rendered, data-log-scale and, on a running run's page, data-refresh-seconds.
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

  // Tick labels that tell ticks apart at every scale: as many decimals as the tick step needs,
  // k / M / G for large values (pole balancing reaches 100,000), and each value on its own
  // terms on log scales, whose ticks are powers of ten.
  var SI = [[1e9, "G"], [1e6, "M"], [1e3, "k"]];
  function decimalsFor(step) {
    if (!(step > 0) || !isFinite(step)) return 0;
    return Math.max(0, Math.min(9, Math.ceil(-Math.log10(step) - 1e-9)));
  }
  function trim(text) { return text.indexOf(".") < 0 ? text : text.replace(/\.?0+$/, ""); }
  function compact(v, step) {
    if (v == null || !isFinite(v)) return "";
    if (v === 0) return "0";
    var a = Math.abs(v);
    for (var i = 0; i < SI.length; ++i)
      if (a >= 1e4 && a >= SI[i][0]) return trim((v / SI[i][0]).toFixed(decimalsFor(step / SI[i][0]))) + SI[i][1];
    return trim(v.toFixed(decimalsFor(step)));
  }
  function tickLabels(u, splits, axisIdx, space, incr) {
    var axis = u.axes[axisIdx], scale = u.scales[axis.scale];
    var labels = splits.map(function (v) {
      if (v == null) return "";
      // Log ticks: each value at its own precision (0.001, 0.01, ..., 100k).
      if (scale.distr === 3 || scale.distr === 4) return compact(v, Math.abs(v) / 10 || 1);
      return compact(v, incr);
    });
    var el = u.root.parentNode;
    if (el) el.setAttribute("data-ticks-" + axisIdx, labels.join("|"));
    return labels;
  }
  function axisSize(u, values, axisIdx, cycleNum) {
    var longest = 0;
    (values || []).forEach(function (v) { longest = Math.max(longest, String(v).length); });
    var axis = u.axes[axisIdx];
    return Math.ceil(longest * 7 + (axis.label ? 26 : 12) + 8);
  }

  // Dashed vertical lines where the run was resumed (meta.resumes: the first generation each
  // resumed session evaluated).
  function resumeMarks(resumes) {
    return {
      hooks: {
        draw: [function (u) {
          var drawn = 0, ctx = u.ctx, min = u.scales.x.min, max = u.scales.x.max;
          ctx.save();
          ctx.strokeStyle = "#6b7280";
          ctx.lineWidth = 1.5 * (window.devicePixelRatio || 1);
          ctx.setLineDash([6, 4]);
          resumes.forEach(function (g) {
            if (g < min || g > max) return;
            var x = Math.round(u.valToPos(g, "x", true));
            ctx.beginPath();
            ctx.moveTo(x, u.bbox.top);
            ctx.lineTo(x, u.bbox.top + u.bbox.height);
            ctx.stroke();
            ++drawn;
          });
          ctx.restore();
          if (u.root.parentNode) u.root.parentNode.setAttribute("data-resume-marks", String(drawn));
        }]
      }
    };
  }

  var plots = [];
  var meta = {};
  var logScale = false;

  // The y scale of a plot: linear, or with the log toggle log10 (every value positive) or
  // symmetric log (uPlot's asinh, for fitness that reaches 0 or below).
  function yScale(values, opts) {
    if (!(opts.log && logScale)) return { kind: "linear", scale: {} };
    var positive = true;
    values.forEach(function (vs) { vs.forEach(function (v) { if (v != null && v <= 0) positive = false; }); });
    return positive ? { kind: "log", scale: { distr: 3, log: 10 } } : { kind: "symlog", scale: { distr: 4, log: 10, asinh: 1 } };
  }

  // A line plot: series = [{label, values, colour?, dash?, scale?}], x = generations.
  // opts: log (follows the log toggle), zero (y from 0), right ({label, range}: a second y axis
  // on the right for series with scale "right"), legend (default shown).
  function linePlot(id, x, series, yLabel, opts) {
    var el = document.getElementById(id);
    if (!el) return null;
    opts = opts || {};
    var data = [x];
    var uSeries = [{ label: "generation" }];
    series.forEach(function (s, i) {
      data.push(s.values);
      uSeries.push({ label: s.label, stroke: s.colour || colour(i), width: s.width || 1.5, scale: s.scale || "y",
                     dash: s.dash, fill: s.fill, points: { show: false }, spanGaps: false,
                     value: function (u, v) { return v == null ? "–" : compact(v, Math.abs(v) / 1e4 || 1); } });
    });
    var y = yScale(series.filter(function (s) { return (s.scale || "y") === "y"; }).map(function (s) { return s.values; }), opts);
    var scales = { x: { time: false }, y: y.scale };
    if (opts.zero && y.kind === "linear") scales.y.range = function (u, min, max) { return [0, max > 0 ? max * 1.05 : 1]; };
    var axes = [{ label: "generation", values: tickLabels, size: 40 },
                { label: yLabel, values: tickLabels, size: axisSize }];
    if (opts.right) {
      scales.right = { range: opts.right.range };
      axes.push({ label: opts.right.label, scale: "right", side: 1, values: tickLabels, size: axisSize, grid: { show: false } });
    }
    var plot = new uPlot({
      width: width(el), height: opts.height || 260,
      legend: { show: opts.legend !== false, live: true },
      cursor: { drag: { x: true, y: false } },
      scales: scales, axes: axes, series: uSeries, bands: opts.bands || [],
      plugins: meta.resumes && meta.resumes.length ? [resumeMarks(meta.resumes)] : []
    }, data, el);
    el.setAttribute("data-rendered", "true");
    el.setAttribute("data-y-scale", y.kind);
    el.setAttribute("data-series", series.map(function (s) { return s.label; }).join("|"));
    plots.push(plot);
    return plot;
  }

  // Stacked areas: each series is drawn as the running sum of itself and the ones before it, and
  // filled down to the previous sum (uPlot bands). The legend shows the stacked values' own
  // series by label; hover shows the running sums.
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
    opts.log = false;
    return linePlot(id, x, shown, yLabel, opts);
  }

  // The species worth a line of their own: the `keep` largest by their most genomes in any
  // generation; the others are drawn together as "the rest".
  var kKeptSpecies = 8;
  function speciesGroups(rows) {
    var peak = {}, ids = [];
    rows.forEach(function (r) {
      (r.species || []).forEach(function (s) {
        if (!(s.id in peak)) { peak[s.id] = 0; ids.push(s.id); }
        peak[s.id] = Math.max(peak[s.id], s.size || 0);
      });
    });
    ids.sort(function (a, b) { return peak[b] - peak[a] || a - b; });
    // With one species more than the kept ones, show it rather than a "rest" of one.
    var keep = ids.length <= kKeptSpecies + 1 ? ids : ids.slice(0, kKeptSpecies);
    keep.sort(function (a, b) { return a - b; });
    return { keep: keep, rest: ids.length - keep.length };
  }

  function draw(rows) {
    plots.forEach(function (p) { p.destroy(); });
    plots = [];
    if (!rows.length) return;  // the summary says that no generation was recorded
    var gen = rows.map(function (r) { return r.generation; });
    function col(key) { return rows.map(function (r) { return r[key] == null ? null : r[key]; }); }
    var lower = meta.fitness_criterion === "min";

    linePlot("plot-fitness", gen, [
      { label: "best", values: col("best_fitness"), colour: "#2563eb", width: 2 },
      { label: "mean", values: col("mean_fitness"), colour: "#16a34a" },
      { label: "median", values: col("median_fitness"), colour: "#d97706", dash: [4, 4] },
      { label: "best ever", values: col("best_ever_fitness"), colour: "#111827", dash: [2, 3] }
    ], "fitness", { log: true });

    if (document.getElementById("plot-loss")) {
      var loss = col("best_loss"), acc = col("best_accuracy"), metrics = [];
      var any = function (vs) { return vs.some(function (v) { return v != null; }); };
      if (any(loss)) metrics.push({ label: "best's loss", values: loss, colour: "#dc2626", width: 2 });
      if (any(acc)) metrics.push({ label: "best's accuracy", values: acc, colour: "#16a34a", width: 2, scale: "right" });
      linePlot("plot-loss", gen, metrics, "loss", {
        log: true, right: any(acc) ? { label: "accuracy", range: [0, 1] } : null
      });
    }

    var groups = speciesGroups(rows);
    function perSpecies(key, combineRest) {
      var out = groups.keep.map(function (id, i) {
        return { label: "species " + id, colour: colour(i), values: rows.map(function (r) {
          var s = (r.species || []).find(function (t) { return t.id === id; });
          return s ? s[key] : null;
        }) };
      });
      if (groups.rest > 0) {
        var kept = {};
        groups.keep.forEach(function (id) { kept[id] = true; });
        out.push({ label: "the rest (" + groups.rest + " species)", colour: "#9ca3af", dash: [3, 3],
                   values: rows.map(function (r) {
                     var v = null;
                     (r.species || []).forEach(function (s) { if (!kept[s.id]) v = combineRest(v, s[key]); });
                     return v;
                   }) });
      }
      return out;
    }
    var better = function (a, b) { return a == null ? b : lower ? Math.min(a, b) : Math.max(a, b); };
    var sum = function (a, b) { return (a || 0) + (b || 0); };
    linePlot("plot-species-fitness", gen, perSpecies("best_fitness", better), "best fitness", { log: true });
    stackedPlot("plot-species-sizes", gen, perSpecies("size", sum).map(function (s) {
      s.values = s.values.map(function (v) { return v == null ? 0 : v; });
      return s;
    }), "genomes");

    linePlot("plot-network-size", gen, [
      { label: "mean nodes", values: col("mean_nodes"), colour: "#2563eb" },
      { label: "mean connections", values: col("mean_connections"), colour: "#dc2626" },
      { label: "best's nodes", values: col("best_nodes"), colour: "#2563eb", dash: [4, 4] },
      { label: "best's connections", values: col("best_connections"), colour: "#dc2626", dash: [4, 4] }
    ], "count");

    // Seconds, milliseconds or microseconds, whichever keeps the largest generation's time above 1.
    var most = 0;
    rows.forEach(function (r) { most = Math.max(most, r.time_total || 0); });
    var unit = most >= 1 ? ["s", 1] : most >= 1e-3 ? ["ms", 1e3] : ["µs", 1e6];
    function inUnit(vs) { return vs.map(function (v) { return v == null ? null : v * unit[1]; }); }
    var other = rows.map(function (r) {
      var rest = (r.time_total || 0) - (r.time_compile || 0) - (r.time_upload || 0) - (r.time_evaluate || 0) -
        (r.time_communicate || 0) - (r.time_statistics || 0) - (r.time_reproduce || 0) - (r.time_speciate || 0);
      return Math.max(0, rest);
    });
    stackedPlot("plot-time", gen, [
      { label: "compile", values: inUnit(col("time_compile")), colour: "#7c3aed" },
      { label: "upload", values: inUnit(col("time_upload")), colour: "#db2777" },
      { label: "evaluate", values: inUnit(col("time_evaluate")), colour: "#2563eb" },
      { label: "communicate", values: inUnit(col("time_communicate")), colour: "#f97316" },
      { label: "statistics", values: inUnit(col("time_statistics")), colour: "#0891b2" },
      { label: "reproduce", values: inUnit(col("time_reproduce")), colour: "#16a34a" },
      { label: "speciate", values: inUnit(col("time_speciate")), colour: "#ca8a04" },
      { label: "other", values: inUnit(other), colour: "#9ca3af" }
    ], unit[0] + " per generation");
    var timeEl = document.getElementById("plot-time");
    if (timeEl) timeEl.setAttribute("data-unit", unit[0]);

    linePlot("plot-species-count", gen, [
      { label: "species", values: col("species_count"), colour: "#0891b2", width: 2 },
      { label: "compatibility threshold", values: col("compatibility_threshold"), colour: "#be123c", dash: [4, 4] }
    ], "count / threshold");

    document.body.setAttribute("data-log-scale", String(logScale));
    document.body.setAttribute("data-plots-rendered", String(document.querySelectorAll(".plot[data-rendered]").length));
  }

  // The log toggle lives in the address's #fragment, so that it survives the reloads of a
  // running run's page and can be linked to (report.html#log).
  function fromHash() { return /(^|[#&])log($|&)/.test(location.hash); }
  function setHash(on) {
    try {
      history.replaceState(null, "", on ? "#log" : location.pathname + location.search);
    } catch (e) {
      location.hash = on ? "log" : "";
    }
  }

  try {
    if (typeof uPlot === "undefined") throw new Error("the uPlot library is missing from the page");
    var rows = JSON.parse(document.getElementById("run-data").textContent);
    var metaEl = document.getElementById("run-meta");
    meta = metaEl ? JSON.parse(metaEl.textContent) : {};
    logScale = fromHash();
    var toggle = document.getElementById("log-scale");
    if (toggle) {
      toggle.checked = logScale;
      toggle.addEventListener("change", function () {
        logScale = toggle.checked;
        setHash(logScale);
        draw(rows);
      });
    }
    draw(rows);
    // A running run's page: its writer rewrites the file; reload it to show the new generations.
    if (meta.refresh_seconds > 0) {
      document.body.setAttribute("data-refresh-seconds", String(meta.refresh_seconds));
      setTimeout(function () { location.reload(); }, meta.refresh_seconds * 1000);
    }
  } catch (e) {
    showError("could not draw the plots: " + e.message);
    throw e;
  }
})();
