// What every part of the page uses: finding and making elements, and formatting figures.

export const $ = (selector, root = document) => root.querySelector(selector);

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'class') node.className = value;
    else node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

export const fmt = {
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
