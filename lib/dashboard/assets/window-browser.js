// The window browser: the newest windows per key, from /api/windows, narrowed by key and window.
import { $, el, fmt } from './format.js';

export function showWindowChoices(snapshot) {
  const select = $('#window-pipeline');
  const names = snapshot.pipelines.filter((p) => p.kind === 'aggregation').map((p) => p.name);
  if (select.options.length !== names.length) {
    select.replaceChildren(...names.map((n) => el('option', { value: n }, n)));
    showWindowNames(snapshot);
  }
}

export function showWindowNames(snapshot) {
  const p = snapshot.pipelines.find((x) => x.name === $('#window-pipeline').value);
  $('#window-name').replaceChildren(
    el('option', { value: '' }, 'all'),
    ...(p ? p.windows : []).map((w) => el('option', { value: w }, w)),
  );
}

let browsing = 0;
let shownWindows = '';

export async function browseWindows() {
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
