import type { BenchCase } from '../harness.ts';
import { dashboardCase } from './dashboard.ts';
import { endToEndCase } from './end-to-end.ts';
import { handlerCase } from './handler.ts';
import { handlerSteadyCase } from './handler-steady.ts';
import { hotKeyCase } from './hot-key.ts';
import { inMemoryCase } from './in-memory.ts';
import { keyspacesUnitsCase } from './keyspaces-units.ts';
import { memoryCase } from './memory.ts';
import { singleWriterCase } from './single-writer.ts';
import { syncCase } from './sync.ts';

/** The cases in the order `npm run bench` runs and prints them (the order). */
export const BENCH_CASES: readonly BenchCase[] = [
  inMemoryCase,
  handlerCase,
  handlerSteadyCase,
  hotKeyCase,
  syncCase,
  endToEndCase,
  memoryCase,
  singleWriterCase,
  keyspacesUnitsCase,
  dashboardCase,
];
