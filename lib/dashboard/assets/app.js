// The dashboard page: fed by /api/events (a snapshot twice a second), charts drawn by uPlot.

const $ = (selector, root = document) => root.querySelector(selector);

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'class') node.className = value;
    else node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

const fmt = {
  count: (n) => (n === null || n === undefined ? '–' : Math.round(n).toLocaleString('en-US')),
  rate: (n) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1)),
  ms: (n) => {
    if (n === null || n === undefined) return '–';
    const sign = n < 0 ? '-' : '';
    const a = Math.abs(n);
    if (a < 1000) return `${sign}${Math.round(a)} ms`;
    if (a < 120_000) return `${sign}${(a / 1000).toFixed(1)} s`;
    if (a < 7_200_000) return `${sign}${(a / 60_000).toFixed(1)} min`;
    return `${sign}${(a / 3_600_000).toFixed(1)} h`;
  },
  time: (t) =>
    t === null || t === undefined ? '–' : new Date(t).toISOString().slice(0, 19).replace('T', ' '),
  ago: (t, now) => (t === null || t === undefined ? '–' : `${fmt.ms(now - t)} ago`),
  share: (x) => `${(x * 100).toFixed(1)} %`,
};

/** The figures each pipeline shows: label, value, and whether the value is bad news. */
function pipelineFigures(p) {
  const r = p.rates;
  const f = p.figures;
  const store = p.store && !p.store.error ? p.store : undefined;
  const checkpointed = store
    ? store.shards.reduce((sum, s) => sum + (s.checkpoint ? s.checkpoint.records : 0), 0)
    : null;
  const live = f !== null;
  return [
    ['read', 'records in /s', live ? fmt.rate(r.readPerSecond) : '–'],
    // Without live metrics (cassflow ui), from how far the checkpoints moved.
    ['processed-rate', 'processed /s', fmt.rate(r.processedPerSecond)],
    ['processed', 'processed', fmt.count(live ? f.records : null)],
    ['checkpointed', 'checkpointed', fmt.count(checkpointed)],
    ['invocations', 'invocations /min', live ? fmt.count(r.invocationsPerMinute) : '–'],
    ['batch-size', 'batch size (mean)', live ? fmt.rate(r.batchSize.mean) : '–'],
    [
      'duration',
      'batch duration (mean / max)',
      live ? `${fmt.ms(r.durationMs.mean)} / ${fmt.ms(r.durationMs.max)}` : '–',
    ],
    [
      'errors',
      'failed invocations /min',
      live ? fmt.count(r.errorsPerMinute) : '–',
      r.errorsPerMinute > 0,
    ],
    [
      'retries',
      'retries / bisects',
      live ? `${fmt.count(f.retries)} / ${fmt.count(f.splits)}` : '–',
      live && f.retries + f.splits > 0,
    ],
    [
      'dead-letters',
      'dead letters /min',
      live ? fmt.count(r.deadLettersPerMinute) : '–',
      r.deadLettersPerMinute > 0,
    ],
    ['late', 'late events /min', live ? fmt.count(r.latePerMinute) : '–'],
    [
      'cas-retries',
      'CAS retries /min (share)',
      live ? `${fmt.count(r.casRetriesPerMinute)} (${fmt.share(r.casRetryShare)})` : '–',
    ],
    ['watermark', 'watermark (UTC)', watermarkText(store)],
    ['watermark-lag', 'watermark lag', live ? fmt.ms(r.watermarkLagMs) : '–'],
    ['closer', 'closer: final up to', fmt.time(store?.closer ? store.closer.done : null)],
    [
      'due',
      'windows due, not final',
      store?.dueNotFinal
        ? `${fmt.count(store.dueNotFinal.count)}${store.dueNotFinal.more ? '+' : ''}`
        : '–',
      store?.dueNotFinal && store.dueNotFinal.count > 0,
    ],
  ];
}

/** The pipeline's watermark, or which shards hold it back while it has none. */
function watermarkText(store) {
  if (!store) return '–';
  if (store.watermark !== null && store.watermark !== undefined) return fmt.time(store.watermark);
  const holding = store.shards.filter(
    (s) => s.watermark && s.watermark.at === null && s.watermark.state !== 'idle',
  );
  return holding.length > 0
    ? `none: no event yet on ${holding.map((s) => s.shardId).join(', ')}`
    : 'none yet';
}

const CHARTS = [
  [
    'records /s',
    [
      ['read', 'read', '#2463b5'],
      ['processed', 'processed', '#2e8b57'],
    ],
  ],
  [
    'dead letters and late events /s',
    [
      ['deadLetters', 'dead letters', '#b3261e'],
      ['late', 'late', '#c77c02'],
    ],
  ],
  ['compare-and-set retries /s', [['casRetries', 'CAS retries', '#7b3fb5']]],
  [
    'batches',
    [
      ['durationMs', 'duration ms (mean)', '#1d232a'],
      ['iteratorAgeMs', 'iterator age ms', '#c77c02'],
      ['batchSize', 'batch size', '#2463b5'],
    ],
  ],
];

const cards = new Map();

function pipelineCard(p) {
  let card = cards.get(p.name);
  if (card) return card;
  const section = el('section', { 'data-pipeline': p.name });
  const figures = el('div', { class: 'figures' });
  const charts = el('div', { class: 'charts' });
  const shards = el('table', { class: 'shards' });
  shards.innerHTML =
    '<thead><tr><th>shard</th><th>iterator age</th><th>read /s</th><th>batches /min</th><th>batch duration</th><th>processed here</th><th>checkpointed</th><th>checkpoint moved</th><th>shard watermark (UTC)</th><th>vs pipeline</th><th>state</th></tr></thead><tbody></tbody>';
  const dead = el('table', { class: 'dead-letters' });
  dead.innerHTML =
    '<thead><tr><th>recorded</th><th>shard</th><th>sequence number</th><th>partition key</th><th>field</th><th>reason</th></tr></thead><tbody></tbody>';
  const deadTitle = el('h3', {}, 'Dead letters');
  section.append(
    el('h2', {}, p.name, ' ', el('small', {}, `${p.kind} on stream ${p.stream}`)),
    el('p', { class: 'error store-error' }),
    figures,
    charts,
    el('h3', {}, 'Shards'),
    shards,
    deadTitle,
    dead,
  );
  $('#pipelines').append(section);
  card = { section, figures, shards, dead, deadTitle, plots: [] };
  for (const [title, series] of CHARTS) {
    const holder = el('div', { class: 'chart' });
    charts.append(holder);
    const width = Math.max(360, Math.floor(holder.clientWidth || 420));
    const plot = new uPlot(
      {
        title,
        width,
        height: 170,
        series: [
          {},
          ...series.map(([, label, stroke]) => ({ label, stroke, width: 1.5, spanGaps: false })),
        ],
        axes: [{}, { size: 60 }],
        legend: { live: false },
      },
      [[]],
      holder,
    );
    card.plots.push({ plot, keys: series.map(([key]) => key) });
  }
  cards.set(p.name, card);
  return card;
}

function showFigures(card, p) {
  card.figures.replaceChildren(
    ...pipelineFigures(p).map(([id, label, value, bad]) =>
      el(
        'div',
        { class: 'figure', 'data-figure': id },
        el('div', { class: 'label' }, label),
        el('div', { class: bad ? 'value bad' : 'value' }, value),
      ),
    ),
  );
}

function showCharts(card, p) {
  const c = p.charts;
  const xs = c.read.map((_, i) => c.start + i);
  for (const { plot, keys } of card.plots) plot.setData([xs, ...keys.map((k) => c[k])]);
}

function showShards(card, p, now) {
  const store = p.store && !p.store.error ? p.store : undefined;
  const pipelineWatermark = store ? store.watermark : null;
  card.shards.tBodies[0].replaceChildren(
    ...p.shards.map((s) => {
      const w = s.watermark;
      const ahead =
        w && w.at !== null && pipelineWatermark !== null && pipelineWatermark !== undefined
          ? w.at - pipelineWatermark
          : null;
      const cp = s.checkpoint;
      return el(
        'tr',
        { 'data-shard': s.shardId },
        el('td', {}, s.shardId),
        el('td', {}, s.live ? fmt.ms(s.live.behindMs) : '–'),
        el('td', {}, s.live ? fmt.rate(s.live.readPerSecond) : '–'),
        el('td', {}, s.live ? fmt.count(s.live.invocationsPerMinute) : '–'),
        el(
          'td',
          {},
          s.live && s.live.invocationsPerMinute > 0 ? fmt.ms(s.live.durationMs.mean) : '–',
        ),
        el('td', {}, s.live ? fmt.count(s.live.records) : '–'),
        el('td', { class: 'checkpointed' }, cp ? fmt.count(cp.records) : '–'),
        el('td', {}, cp ? (cp.ended ? 'read to its end' : fmt.ago(cp.at, now)) : 'none yet'),
        el('td', {}, w ? fmt.time(w.at) : '–'),
        el('td', {}, ahead === null ? '–' : ahead >= 0 ? `+${fmt.ms(ahead)}` : fmt.ms(ahead)),
        el('td', { class: w && w.state === 'active' ? '' : 'text' }, w ? w.state : '–'),
      );
    }),
  );
  if (p.shards.length === 0)
    card.shards.tBodies[0].replaceChildren(
      el('tr', {}, el('td', { class: 'empty', colspan: '11' }, 'no shard read yet')),
    );
}

function showDeadLetters(card, p) {
  const d = p.store && !p.store.error ? p.store.deadLetters : undefined;
  card.deadTitle.textContent = d
    ? `Dead letters: ${fmt.count(d.lastHour)}${d.more ? '+' : ''} in the last hour`
    : 'Dead letters';
  const rows = d ? d.recent : [];
  card.dead.tBodies[0].replaceChildren(
    ...rows.map((l) =>
      el(
        'tr',
        {},
        el('td', {}, fmt.time(l.recordedAt)),
        el('td', {}, l.shardId),
        el('td', {}, l.sequenceNumber),
        el('td', { class: 'text' }, l.partitionKey),
        el('td', { class: 'text' }, l.field),
        el('td', { class: 'text' }, l.reason),
      ),
    ),
  );
  if (rows.length === 0)
    card.dead.tBodies[0].replaceChildren(
      el('tr', {}, el('td', { class: 'empty', colspan: '6' }, 'none')),
    );
}

function showJobs(snapshot, now) {
  const rows = snapshot.jobs.map((j) => {
    const s = j.store && !j.store.error ? j.store : undefined;
    const r = j.rates;
    const live = snapshot.source === 'run';
    return el(
      'tr',
      { 'data-job': j.name },
      el('td', {}, j.name),
      el(
        'td',
        { class: 'text' },
        s ? `${s.pipeline} → ${s.target}` : j.store?.error ? j.store.error : '–',
      ),
      el('td', { class: 'text' }, s?.schedule ? s.schedule : '–'),
      el(
        'td',
        {},
        r.lastRunAt !== null
          ? fmt.ago(r.lastRunAt, now)
          : s?.pass
            ? `pass from ${fmt.time(s.pass.startedAt)}`
            : '–',
      ),
      el('td', {}, live ? fmt.count(r.rowsReadPerMinute) : '–'),
      el('td', {}, live ? fmt.count(r.rowsWrittenPerMinute) : '–'),
      el('td', {}, live ? fmt.count(r.pagesPerMinute) : '–'),
      el(
        'td',
        { class: 'text' },
        s?.pass ? `${s.pass.mode}, ${s.pass.runs} run(s), ${s.pass.passesFinished} finished` : '–',
      ),
      el('td', {}, s ? `${s.ranges.done} / ${s.ranges.total}` : '–'),
      el('td', {}, s ? fmt.count(s.ranges.rows) : '–'),
      el('td', {}, s ? fmt.count(s.ranges.pages) : '–'),
      el(
        'td',
        {
          class: s && s.rejects.lastHour > 0 ? 'bad' : '',
          title: s?.rejects.latest ? s.rejects.latest : '',
        },
        s ? `${fmt.count(s.rejects.lastHour)}${s.rejects.more ? '+' : ''}` : '–',
      ),
    );
  });
  $('#jobs tbody').replaceChildren(
    ...(rows.length > 0
      ? rows
      : [el('tr', {}, el('td', { class: 'empty', colspan: '12' }, 'no sync job'))]),
  );
}

function showWindowChoices(snapshot) {
  const select = $('#window-pipeline');
  const names = snapshot.pipelines.filter((p) => p.kind === 'aggregation').map((p) => p.name);
  if (select.options.length !== names.length) {
    select.replaceChildren(...names.map((n) => el('option', { value: n }, n)));
    showWindowNames(snapshot);
  }
}

function showWindowNames(snapshot) {
  const p = snapshot.pipelines.find((x) => x.name === $('#window-pipeline').value);
  $('#window-name').replaceChildren(
    el('option', { value: '' }, 'all'),
    ...(p ? p.windows : []).map((w) => el('option', { value: w }, w)),
  );
}

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
  for (const p of snapshot.pipelines) {
    const card = pipelineCard(p);
    card.section.querySelector('.store-error').textContent = p.store?.error
      ? `store: ${p.store.error}`
      : '';
    showFigures(card, p);
    showCharts(card, p);
    showShards(card, p, now);
    showDeadLetters(card, p);
  }
  showJobs(snapshot, now);
  showWindowChoices(snapshot);
}

let browsing = 0;
let shownWindows = '';

async function browseWindows() {
  const pipeline = $('#window-pipeline').value;
  if (!pipeline) return;
  const params = new URLSearchParams({ pipeline });
  const key = $('#window-key').value.trim();
  const windowName = $('#window-name').value;
  if (key) params.set('key', key);
  if (windowName) params.set('window', windowName);
  // Answers can cross (a refresh in flight when the form changes): only the newest one shows.
  browsing += 1;
  const asked = browsing;
  const response = await fetch(`/api/windows?${params}`);
  const page = await response.json();
  if (asked !== browsing) return;
  // Unchanged since the last answer (a quiet key): nothing to lay out again.
  const text = JSON.stringify(page);
  if (text === shownWindows) return;
  shownWindows = text;
  const note = $('#window-note');
  if (!response.ok) {
    note.textContent = page.error;
    return;
  }
  note.textContent =
    `${page.windows.length} window(s) of ${page.keys} key(s)` +
    (page.truncated ? '; more in the store: give a key to narrow it' : '');
  $('#windows tbody').replaceChildren(
    ...page.windows.map((w) =>
      el(
        'tr',
        { 'data-key': w.key, 'data-window': w.window, 'data-start': String(w.start) },
        el('td', {}, w.key),
        el('td', {}, w.window),
        el('td', {}, fmt.time(w.start)),
        el('td', {}, fmt.time(w.end).slice(11)),
        el('td', { class: 'text' }, w.final ? 'final' : 'open'),
        el('td', { class: 'events' }, fmt.count(w.events)),
        el(
          'td',
          { class: 'text' },
          Object.entries(w.values)
            .map(
              ([k, v]) =>
                `${k}=${typeof v === 'number' ? Math.round(v * 1000) / 1000 : JSON.stringify(v)}`,
            )
            .join('  '),
        ),
      ),
    ),
  );
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
