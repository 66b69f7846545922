/* 领导驾驶舱: draws the four charts from the JSON the page embeds (json_script
 * "dashboard-data") with the vendored Apache ECharts. One chart per [data-chart] element;
 * the instance is found again with echarts.getInstanceByDom(element). */
(function () {
  "use strict";

  var COLORS = ["#1f5fa8", "#d9822b", "#2e8b57", "#8a8f98"];

  function axis(x) {
    return { type: "category", data: x, axisTick: { alignWithLabel: true } };
  }

  function base(x, series, legend) {
    return {
      color: COLORS,
      animation: false,
      tooltip: { trigger: "axis" },
      legend: legend ? { top: 0 } : undefined,
      grid: { left: 56, right: 16, top: legend ? 32 : 16, bottom: 32 },
      xAxis: axis(x),
      yAxis: { type: "value" },
      series: series
    };
  }

  var BUILDERS = {
    revenue: function (d) {
      return base(d.x, [{ name: "主营业务收入（亿元）", type: "bar", data: d.revenue }], false);
    },
    enterprises: function (d) {
      return base(d.x, [{ name: "企业数量（家）", type: "line", data: d.enterprises,
                          symbolSize: 8, label: { show: true, position: "top" } }], false);
    },
    adaptations: function (d) {
      return base(d.x, [
        { name: "适配测试", type: "bar", data: d.tested },
        { name: "通过", type: "line", data: d.passed, symbolSize: 6 }
      ], true);
    },
    fund: function (d) {
      return base(d.x, [
        { name: "预算", type: "bar", data: d.budget },
        { name: "已核定待拨付", type: "bar", stack: "used", data: d.committed },
        { name: "已拨付", type: "bar", stack: "used", data: d.paid }
      ], true);
    }
  };

  function draw() {
    var source = document.getElementById("dashboard-data");
    if (!source || typeof echarts === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var name = el.getAttribute("data-chart");
      var build = BUILDERS[name];
      if (!build || !data[name]) {
        return;
      }
      if (!data[name].x.length) {
        el.classList.add("chart-empty");
        el.textContent = "暂无数据";
        return;
      }
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(build(data[name]));
      charts.push(chart);
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.resize(); });
    });
    document.documentElement.setAttribute("data-charts-drawn", String(charts.length));
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
