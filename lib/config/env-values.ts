import { ConfigError } from './errors.ts';

/** Environment variables as Node gives them: values may be missing. */
export type Env = Readonly<Record<string, string | undefined>>;

/** The value of `name`, or undefined when it is unset or blank. */
export function readString(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

export function readPort(env: Env, name: string, fallback: number): number {
  const raw = readString(env, name);
  if (raw === undefined) return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new ConfigError(name, `must be a port number from 1 to 65535, got '${raw}'`);
  }
  return port;
}

export function readPositiveInt(env: Env, name: string, fallback: number): number {
  const raw = readString(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new ConfigError(name, `must be a positive integer, got '${raw}'`);
  }
  return value;
}

const TRUE_WORDS = ['1', 'true', 'yes', 'on'];
const FALSE_WORDS = ['0', 'false', 'no', 'off'];

export function readBoolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = readString(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (TRUE_WORDS.includes(raw)) return true;
  if (FALSE_WORDS.includes(raw)) return false;
  throw new ConfigError(name, `must be true or false, got '${raw}'`);
}

export function readChoice<const T extends string>(
  env: Env,
  name: string,
  choices: readonly T[],
  fallback: T,
): T {
  const raw = readString(env, name);
  if (raw === undefined) return fallback;
  const choice = choices.find((c) => c === raw.toLowerCase());
  if (!choice) throw new ConfigError(name, `must be one of ${choices.join(', ')}, got '${raw}'`);
  return choice;
}

/** A URL with an http(s) scheme, e.g. an AWS endpoint override. */
export function readUrl(env: Env, name: string): string | undefined {
  const raw = readString(env, name);
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be a URL such as http://127.0.0.1:4568, got '${raw}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(name, `must use http or https, got '${raw}'`);
  }
  return raw.replace(/\/+$/, '');
}

/** A duration in whole seconds: `90`, `90s`, `3m`. */
export function readSeconds(env: Env, name: string, fallback: number): number {
  const raw = readString(env, name);
  if (raw === undefined) return fallback;
  const match = /^(\d+)\s*(s|m)?$/.exec(raw);
  if (!match?.[1])
    throw new ConfigError(name, `must be a duration such as 90s or 3m, got '${raw}'`);
  return Number(match[1]) * (match[2] === 'm' ? 60 : 1);
}
