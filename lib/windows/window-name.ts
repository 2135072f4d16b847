import { formatDuration } from './duration.ts';
import type { WindowSpec } from './window.ts';

/**
 * A stable short name for a window, used in row keys and table columns: 'tumbling_1m',
 * 'sliding_10m_1m', 'session_30s'. Only [a-z0-9_]; equal specs give equal names however their
 * durations were written ('60s' and '1m' both give 'tumbling_1m').
 */
export function windowName(spec: WindowSpec): string {
  switch (spec.kind) {
    case 'tumbling':
      return `tumbling_${formatDuration(spec.size)}`;
    case 'sliding':
      return `sliding_${formatDuration(spec.size)}_${formatDuration(spec.slide)}`;
    case 'session':
      return `session_${formatDuration(spec.gap)}`;
  }
}
