/** A column type as system_schema.columns spells it, parsed: `map<text, frozen<list<int>>>`. */
export type ColumnType =
  | { kind: 'scalar'; name: ScalarType }
  | { kind: 'list'; element: ColumnType }
  | { kind: 'set'; element: ColumnType }
  | { kind: 'map'; key: ColumnType; value: ColumnType };

/** The scalar types sync can carry to every target. */
export const SCALAR_TYPES = [
  'ascii',
  'bigint',
  'blob',
  'boolean',
  'counter',
  'date',
  'decimal',
  'double',
  'float',
  'inet',
  'int',
  'smallint',
  'text',
  'time',
  'timestamp',
  'timeuuid',
  'tinyint',
  'uuid',
  'varchar',
  'varint',
] as const;
export type ScalarType = (typeof SCALAR_TYPES)[number];

/** A column type sync cannot carry (tuples, user-defined types, vectors, durations). */
export class UnsupportedTypeError extends Error {
  constructor(column: string, type: string) {
    super(
      `column ${column} has type ${type}, which sync does not support ` +
        `(supported: ${SCALAR_TYPES.join(', ')}, and list, set and map of them)`,
    );
    this.name = 'UnsupportedTypeError';
  }
}

/** Parses a column's type; unsupported types are refused with the column named. */
export function parseColumnType(column: string, text: string): ColumnType {
  const parsed = parse(text.trim().toLowerCase());
  if (!parsed) throw new UnsupportedTypeError(column, text);
  return parsed;
}

function parse(text: string): ColumnType | undefined {
  const frozen = /^frozen<(.*)>$/.exec(text);
  if (frozen?.[1]) return parse(frozen[1].trim());
  if ((SCALAR_TYPES as readonly string[]).includes(text)) {
    return { kind: 'scalar', name: text as ScalarType };
  }
  const collection = /^(list|set|map)<(.*)>$/.exec(text);
  if (!collection?.[1] || collection[2] === undefined) return undefined;
  const args = splitTopLevel(collection[2]).map((a) => parse(a.trim()));
  if (args.some((a) => a === undefined)) return undefined;
  const [first, second] = args as ColumnType[];
  if (collection[1] === 'map') {
    return args.length === 2 && first && second
      ? { kind: 'map', key: first, value: second }
      : undefined;
  }
  if (args.length !== 1 || !first) return undefined;
  return collection[1] === 'list'
    ? { kind: 'list', element: first }
    : { kind: 'set', element: first };
}

/** Splits `a, map<b, c>` at the commas that are not inside angle brackets. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '<') depth += 1;
    else if (text[i] === '>') depth -= 1;
    else if (text[i] === ',' && depth === 0) {
      parts.push(text.slice(from, i));
      from = i + 1;
    }
  }
  parts.push(text.slice(from));
  return parts;
}
