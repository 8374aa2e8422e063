// Charts of the indicators dashboard (/chi-so). Bundled by `npm run build` into web/static/dist/charts.js.
// The page embeds its figures as JSON in <script type="application/json" id="chart-data">; each chart names a
// <canvas data-chart="..."> and finds its data under the same key. Clicking a bar opens the dossiers behind it.
import {
  BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement,
  Tooltip,
} from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, Legend, LinearScale, LineController, LineElement,
  PointElement, Tooltip);

const COLOURS = ['#0b4f9c', '#b3261e', '#2e7d32', '#f9a825', '#6a1b9a'];

function options(spec) {
  const base = {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    indexAxis: spec.horizontal ? 'y' : 'x',
    plugins: { legend: { display: spec.datasets.length > 1 } },
    scales: { x: { stacked: !!spec.stacked }, y: { stacked: !!spec.stacked, beginAtZero: true } },
  };
  if (spec.max !== undefined) {
    base.scales[spec.horizontal ? 'x' : 'y'].max = spec.max;
  }
  if (spec.links) {
    base.onClick = (_event, elements) => {
      if (elements.length && spec.links[elements[0].index]) {
        window.location.href = spec.links[elements[0].index];
      }
    };
  }
  return base;
}

export function drawCharts(doc) {
  const source = doc.getElementById('chart-data');
  if (!source) {
    return [];
  }
  const data = JSON.parse(source.textContent);
  return Array.from(doc.querySelectorAll('canvas[data-chart]')).map((canvas) => {
    const spec = data[canvas.dataset.chart];
    const datasets = spec.datasets.map((set, i) => ({
      label: set.label,
      data: set.data,
      backgroundColor: set.colour || COLOURS[i % COLOURS.length],
      borderColor: set.colour || COLOURS[i % COLOURS.length],
    }));
    const chart = new Chart(canvas, { type: spec.type, data: { labels: spec.labels, datasets }, options: options(spec) });
    canvas.dataset.drawn = 'true'; // for tests: the chart library ran
    return chart;
  });
}

drawCharts(document);
