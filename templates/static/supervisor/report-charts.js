// Draws a report's three charts from the JSON the page embeds (id "chart-data").
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || typeof Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  var colours = ["#2456a6", "#1e7a3c", "#b3261e", "#b7791f", "#6b46c1"];

  function draw(id, title, datasets, type, percent) {
    var canvas = document.getElementById(id);
    if (!canvas) return;
    new Chart(canvas, {
      type: type,
      data: {
        labels: data.labels,
        datasets: datasets.map(function (set, n) {
          return {
            label: set.label,
            data: set.data,
            borderColor: colours[n % colours.length],
            backgroundColor: colours[n % colours.length] + (type === "bar" ? "cc" : "33"),
            spanGaps: true,
            pointRadius: data.labels.length > 60 ? 0 : 2,
            tension: 0.2
          };
        })
      },
      options: {
        maintainAspectRatio: false,
        animation: false,
        plugins: { title: { display: true, text: title } },
        scales: { y: { beginAtZero: true, max: percent ? 100 : undefined } }
      }
    });
  }

  draw("chart-volumes", "Volumes", data.volumes, data.type === "line" ? "line" : "bar", false);
  draw("chart-rates", "Rates (%)", data.rates, "line", true);
  draw("chart-times", "Times (seconds)", data.times, data.type === "line" ? "line" : "bar", false);
})();
