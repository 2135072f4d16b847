// One pipeline's section of the page: its figures, its charts (uPlot), its shards, its dead letters.
import { $, el, fmt } from './format.js';
import { pipelineFigures } from './pipeline-figures.js';

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

/** Shows one pipeline of a snapshot taken at `now`, making its section the first time. */
export function showPipeline(p, now) {
  const card = pipelineCard(p);
  card.section.querySelector('.store-error').textContent = p.store?.error
    ? `store: ${p.store.error}`
    : '';
  showFigures(card, p);
  showCharts(card, p);
  showShards(card, p, now);
  showDeadLetters(card, p);
}
