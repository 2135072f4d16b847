import type { IndexedWindow, WindowIndex } from '../store/window-index.ts';
import type { EnginePorts } from './ports.ts';

/**
 * The ports, with the open-index entries written through them counted: how many windows a batch
 * opened, which sets how many the closer after it may make final (batch-closer.ts).
 */
export function countingOpenedWindows(ports: EnginePorts): {
  ports: EnginePorts;
  opened: () => number;
} {
  let opened = 0;
  const index = ports.index;
  const addOpen = (windows: readonly IndexedWindow[]) => {
    opened += windows.length;
    return index.addOpen(windows);
  };
  // A proxy, not a spread: the index is a class whose methods use private fields.
  const counted = new Proxy(index, {
    get(target, property) {
      if (property === 'addOpen') return addOpen;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) satisfies WindowIndex;
  return { ports: { ...ports, index: counted }, opened: () => opened };
}
