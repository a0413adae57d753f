// Required agents (bars) and contacts (line) per interval, from the JSON the page embeds.
(function () {
  "use strict";
  var source = document.getElementById("staffing-data");
  var canvas = document.getElementById("staffing-chart");
  if (!source || !canvas || typeof Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  new Chart(canvas, {
    data: {
      labels: data.labels,
      datasets: [
        { type: "bar", label: "Agents needed", data: data.agents, backgroundColor: "#2456a6cc", yAxisID: "y" },
        { type: "line", label: "Contacts", data: data.contacts, borderColor: "#b7791f", yAxisID: "y1", tension: 0.2 }
      ]
    },
    options: {
      maintainAspectRatio: false,
      animation: false,
      scales: {
        y: { beginAtZero: true, title: { display: true, text: "agents" } },
        y1: { beginAtZero: true, position: "right", grid: { drawOnChartArea: false }, title: { display: true, text: "contacts" } }
      }
    }
  });
})();
