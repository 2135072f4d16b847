import { invalidArgument, validationError } from './kinesis-api-error.ts';

export type Input = Record<string, unknown>;

/** A string field, checked as Kinesis' request validation does. */
export function stringField(
  input: Input,
  name: string,
  rules: { required?: boolean; min?: number; max?: number } = {},
): string | undefined {
  const value = input[name];
  const field = name.charAt(0).toLowerCase() + name.slice(1);
  if (value === undefined || value === null) {
    if (rules.required) throw validationError(field, 'Member must not be null');
    return undefined;
  }
  if (typeof value !== 'string') throw invalidArgument(`${name} must be a string`);
  if (value.length < (rules.min ?? 0)) {
    throw validationError(field, `Member must have length greater than or equal to ${rules.min}`);
  }
  if (rules.max !== undefined && value.length > rules.max) {
    throw validationError(field, `Member must have length less than or equal to ${rules.max}`);
  }
  return value;
}

export function integerField(
  input: Input,
  name: string,
  rules: { min?: number; max?: number } = {},
): number | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  const field = name.charAt(0).toLowerCase() + name.slice(1);
  if (!Number.isInteger(value)) throw invalidArgument(`${name} must be a whole number`);
  const n = value as number;
  if (rules.min !== undefined && n < rules.min) {
    throw validationError(field, `Member must have value greater than or equal to ${rules.min}`);
  }
  if (rules.max !== undefined && n > rules.max) {
    throw validationError(field, `Member must have value less than or equal to ${rules.max}`);
  }
  return n;
}

/** Bytes held by base64 text (what a record's Data counts against the limits). */
export function base64Bytes(text: string): number {
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return (text.length * 3) / 4 - padding;
}
