// Draws each indicator over the last tertials as grouped bars on its <svg>.
// Data comes from <script type="application/json" id="indicator-chart-data">; no inline
// script, no eval. K, M and X differ by fill pattern and by a letter under each bar,
// never by colour alone; the same numbers are in the table under each chart.
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var GROUPS = [
    { key: "K", fill: "solid" },
    { key: "M", fill: "stripes" },
    { key: "X", fill: "dots" }
  ];
  var W = 640, H = 220, TOP = 20, BOTTOM = 44, LEFT = 40, RIGHT = 10;

  function el(name, attrs, text) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function defs(svg, code) {
    var d = el("defs", {});
    var stripes = el("pattern", { id: "stripes-" + code, width: 6, height: 6,
      patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" });
    stripes.appendChild(el("rect", { width: 6, height: 6, fill: "#ffffff" }));
    stripes.appendChild(el("rect", { width: 3, height: 6, fill: "#1d4f91" }));
    var dots = el("pattern", { id: "dots-" + code, width: 6, height: 6,
      patternUnits: "userSpaceOnUse" });
    dots.appendChild(el("rect", { width: 6, height: 6, fill: "#ffffff" }));
    dots.appendChild(el("circle", { cx: 3, cy: 3, r: 1.8, fill: "#1d4f91" }));
    d.appendChild(stripes);
    d.appendChild(dots);
    svg.appendChild(d);
  }

  function fillFor(group, code) {
    return group.fill === "solid" ? "#1d4f91" : "url(#" + group.fill + "-" + code + ")";
  }

  function draw(svg, series, tertials) {
    var code = series.code;
    defs(svg, code);
    var max = 0;
    GROUPS.forEach(function (g) {
      series.values[g.key].forEach(function (v) { if (v !== null && v > max) { max = v; } });
    });
    max = max || 1;
    var plotH = H - TOP - BOTTOM;
    var slot = (W - LEFT - RIGHT) / tertials.length;
    var barW = Math.min(22, (slot - 12) / GROUPS.length);
    svg.appendChild(el("line", { x1: LEFT, y1: H - BOTTOM, x2: W - RIGHT, y2: H - BOTTOM,
      stroke: "#333333" }));
    svg.appendChild(el("text", { x: LEFT - 6, y: TOP + 4, "text-anchor": "end",
      "font-size": 11, fill: "#333333" }, String(Math.round(max * 10) / 10)));
    svg.appendChild(el("text", { x: LEFT - 6, y: H - BOTTOM, "text-anchor": "end",
      "font-size": 11, fill: "#333333" }, "0"));
    tertials.forEach(function (label, i) {
      var x0 = LEFT + i * slot + (slot - barW * GROUPS.length) / 2;
      GROUPS.forEach(function (g, j) {
        var v = series.values[g.key][i];
        var x = x0 + j * barW;
        var h = v === null ? 0 : (v / max) * plotH;
        svg.appendChild(el("rect", { "class": "bar", x: x + 1, y: H - BOTTOM - h, width: barW - 2, height: h,
          fill: fillFor(g, code), stroke: "#1d4f91" }));
        svg.appendChild(el("text", { x: x + barW / 2, y: H - BOTTOM - h - 3,
          "text-anchor": "middle", "font-size": 10, fill: "#333333" },
          v === null ? "–" : String(v)));
        svg.appendChild(el("text", { x: x + barW / 2, y: H - BOTTOM + 12,
          "text-anchor": "middle", "font-size": 10, fill: "#333333" }, g.key));
      });
      svg.appendChild(el("text", { x: LEFT + i * slot + slot / 2, y: H - BOTTOM + 28,
        "text-anchor": "middle", "font-size": 11, fill: "#333333" }, label));
    });
  }

  function init() {
    var source = document.getElementById("indicator-chart-data");
    if (!source || source.hasAttribute("data-drawn")) { return; }
    source.setAttribute("data-drawn", "");
    var data = JSON.parse(source.textContent);
    var byCode = {};
    data.series.forEach(function (s) { byCode[s.code] = s; });
    document.querySelectorAll("svg.indicator-chart").forEach(function (svg) {
      var series = byCode[svg.getAttribute("data-code")];
      if (series) { draw(svg, series, data.tertials); }
    });
  }

  // The report page loads the charts after its table (htmx): draw them once they are in,
  // and say so in the status line when they could not be computed (the link stays).
  document.addEventListener("htmx:afterSettle", init);
  function failed(event) {
    var box = event.detail && event.detail.elt;
    if (!box || box.id !== "charts") { return; }
    box.setAttribute("aria-busy", "false");
    box.querySelector("[role=status] span").textContent = box.getAttribute("data-failed");
  }
  document.addEventListener("htmx:responseError", failed);
  document.addEventListener("htmx:sendError", failed);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
