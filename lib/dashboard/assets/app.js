// The dashboard page: fed by /api/events (a snapshot twice a second); charts drawn by uPlot.
import { $, fmt } from './format.js';
import { showPipeline } from './pipeline-card.js';
import { showJobs } from './sync-jobs.js';
import { browseWindows, showWindowChoices, showWindowNames } from './window-browser.js';

let latest;

function show(snapshot) {
  latest = snapshot;
  const now = Date.parse(snapshot.at);
  const status = $('#status');
  status.className = '';
  status.dataset.at = snapshot.at;
  status.textContent =
    `as of ${fmt.time(now)} UTC · ` +
    (snapshot.source === 'run'
      ? 'this run’s functions, live'
      : 'the stack’s store (live metrics only under cassflow run --ui)') +
    ` · store read ${fmt.ago(snapshot.storeAt, now)}`;
  for (const p of snapshot.pipelines) showPipeline(p, now);
  showJobs(snapshot, now);
  showWindowChoices(snapshot);
}

$('#window-form').addEventListener('submit', (event) => {
  event.preventDefault();
  browseWindows();
});
$('#window-pipeline').addEventListener('change', () => latest && showWindowNames(latest));
// The browser follows the store as events arrive.
setInterval(() => browseWindows().catch(() => undefined), 3000);

const events = new EventSource('/api/events');
let first = true;
let rendered = 0;
events.onmessage = (message) => {
  const start = performance.now();
  show(JSON.parse(message.data));
  // Each update's cost, for anyone profiling the page (bench/cases/dashboard.ts reads it).
  if (++rendered % 1000 === 0) performance.clearMeasures('cassflow:render');
  performance.measure('cassflow:render', { start });
  if (first) {
    first = false;
    browseWindows().catch(() => undefined);
  }
};
events.onerror = () => {
  const status = $('#status');
  status.className = 'down';
  status.textContent = 'disconnected: is cassflow still running? (reconnecting)';
};
