// The sync jobs' table.
import { $, el, fmt } from './format.js';

export function showJobs(snapshot, now) {
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
