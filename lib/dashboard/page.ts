/**
 * The dashboard's page: self-contained (no asset from the network), fed by /api/events. It
 * shows each pipeline's and sync job's figures and rates as they change (no charts yet).
 */
export const DASHBOARD_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>cassflow: local run</title>
<style>
  body { font: 14px system-ui, sans-serif; margin: 1.5rem; color: #222; }
  table { border-collapse: collapse; margin-bottom: 1.5rem; }
  th, td { padding: 0.3rem 0.7rem; border-bottom: 1px solid #ddd; text-align: right; }
  th:first-child, td:first-child { text-align: left; }
  #status { color: #666; }
</style>
</head>
<body>
<h1>cassflow: local run</h1>
<p id="status">connecting…</p>
<h2>Pipelines</h2>
<table id="pipelines"><thead><tr>
  <th>pipeline</th><th>records</th><th>records/s (10 s)</th><th>invocations</th><th>retries</th>
  <th>splits</th><th>dead letters</th><th>late</th><th>filtered</th><th>CAS retries/min</th>
  <th>watermark lag</th>
</tr></thead><tbody></tbody></table>
<h2>Sync jobs</h2>
<table id="jobs"><thead><tr>
  <th>job</th><th>rows read/min</th><th>rows written/min</th><th>rejected/min</th><th>pages/min</th>
</tr></thead><tbody></tbody></table>
<script>
const cell = (text) => { const td = document.createElement('td'); td.textContent = text; return td; };
const minute = (m, name) => (m[name] ? m[name].lastMinute.sum : 0);
const lastSeconds = (m, name, n) =>
  m[name] ? m[name].perSecond.slice(-n).reduce((a, b) => a + b, 0) / n : 0;
function row(values, id) {
  const tr = document.createElement('tr');
  tr.dataset.name = id;
  for (const v of values) tr.append(cell(String(v)));
  return tr;
}
function show(snapshot) {
  document.getElementById('status').textContent = 'as of ' + snapshot.at;
  document.querySelector('#pipelines tbody').replaceChildren(...snapshot.pipelines.map((p) => {
    const lag = p.metrics.WatermarkLag;
    return row([p.name, p.records, lastSeconds(p.metrics, 'RecordsIn', 10).toFixed(1),
      p.invocations, p.retries, p.splits, p.deadLettered, p.late, p.filtered,
      minute(p.metrics, 'CasRetries'),
      lag && lag.lastMinute.count ? (lag.lastMinute.max / 1000).toFixed(1) + ' s' : '-'], p.name);
  }));
  document.querySelector('#jobs tbody').replaceChildren(...snapshot.jobs.map((j) =>
    row([j.name, minute(j.metrics, 'RowsRead'), minute(j.metrics, 'RowsWritten'),
      minute(j.metrics, 'RowsRejected'), minute(j.metrics, 'Pages')], j.name)));
}
const events = new EventSource('/api/events');
events.onmessage = (message) => show(JSON.parse(message.data));
events.onerror = () => { document.getElementById('status').textContent = 'disconnected: is cassflow run still running?'; };
</script>
</body>
</html>
`;
