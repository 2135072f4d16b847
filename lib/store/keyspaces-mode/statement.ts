/**
 * Just enough of a CQL statement's shape for Keyspaces' rules and its billing: which table, what
 * kind, the relations of its WHERE clause and the columns it writes, each tied to the bound
 * values (`?` by position) or literal it carries. Not a CQL parser: statements it cannot read
 * come back as kind 'other' and pass the guard unchecked.
 */
export type StatementKind = 'select' | 'insert' | 'update' | 'delete' | 'other';

/** Where a column's value comes from: bound parameters (by index) or a literal. */
export type ValueSource = { params: number[]; literal?: string };

export type Relation = {
  /** The column, or several for a multi-column relation `(a, b) >= (?, ?)`. */
  columns: string[];
  /** Set when the left side is `token(...)`. */
  token: boolean;
  operator: '=' | '<' | '<=' | '>' | '>=' | 'IN' | 'CONTAINS';
  value: ValueSource;
};

export type StatementShape = {
  kind: StatementKind;
  /** `keyspace.table` or `table`, as written. */
  table?: string;
  distinct: boolean;
  /** Has an IF clause (a lightweight transaction). */
  conditional: boolean;
  usingTimestamp: boolean;
  usingTtl: boolean;
  allowFiltering: boolean;
  /** The aggregate function a SELECT calls (count, sum...), if any. */
  aggregate?: string;
  /** The statement's opening words when it is of a kind Keyspaces has none of. */
  unsupported?: string;
  relations: Relation[];
  /** Columns an INSERT or UPDATE writes, with their values. */
  writes: { column: string; value: ValueSource }[];
};

const TABLE = String.raw`([\w."]+)`;
const UNSUPPORTED =
  /^(TRUNCATE|CREATE\s+(CUSTOM\s+)?INDEX|CREATE\s+MATERIALIZED\s+VIEW|CREATE\s+TRIGGER|CREATE\s+(OR\s+REPLACE\s+)?(FUNCTION|AGGREGATE))\b/i;

/** The shape of one statement. */
export function statementShape(cql: string): StatementShape {
  const text = cql.trim().replace(/;$/, '');
  const marks = paramPositions(text);
  const shape: StatementShape = {
    kind: 'other',
    distinct: /^SELECT\s+DISTINCT\b/i.test(text),
    conditional: /\sIF\s+(NOT\s+EXISTS|EXISTS|\w+\s*(=|!=|<|>|IN\b))/i.test(text),
    usingTimestamp: /\bUSING\b[^;]*\bTIMESTAMP\b/i.test(text),
    usingTtl: /\bUSING\b[^;]*\bTTL\b/i.test(text),
    allowFiltering: /\bALLOW\s+FILTERING\b/i.test(text),
    relations: [],
    writes: [],
  };
  const unsupported = UNSUPPORTED.exec(text)?.[0];
  if (unsupported) shape.unsupported = unsupported.replace(/\s+/g, ' ').toUpperCase();
  const where = (from: number) => {
    const match = /\bWHERE\s+(.*?)(\s+IF\s+.*|\s+LIMIT\s+.*|\s+ALLOW\s+FILTERING.*)?$/is.exec(
      text.slice(from),
    );
    if (!match?.[1]) return [];
    return relations(match[1], from + match.index + match[0].indexOf(match[1]), marks);
  };

  let m = new RegExp(String.raw`^SELECT\s+(.*?)\s+FROM\s+${TABLE}`, 'is').exec(text);
  if (m) {
    const aggregate = /\b(count|sum|min|max|avg)\s*\(/i.exec(m[1] ?? '')?.[1]?.toLowerCase();
    return {
      ...shape,
      kind: 'select',
      table: m[2],
      relations: where(m[0].length),
      ...(aggregate ? { aggregate } : {}),
    };
  }

  m = new RegExp(
    String.raw`^INSERT\s+INTO\s+${TABLE}\s*\(([^)]*)\)\s*VALUES\s*\((.*?)\)\s*(IF\s|USING\s|$)`,
    'is',
  ).exec(text);
  if (m?.[2] !== undefined && m[3] !== undefined) {
    const columns = m[2].split(',').map((c) => c.trim());
    const valuesAt = m[0].indexOf(m[3], m[0].indexOf('VALUES'));
    const values = splitTopLevel(m[3], valuesAt);
    const writes = columns.map((column, i) => ({
      column,
      value: valueSource(values[i] ?? { text: '', at: 0 }, marks),
    }));
    return { ...shape, kind: 'insert', table: m[1], writes };
  }

  m = new RegExp(
    String.raw`^UPDATE\s+${TABLE}(\s+USING\s+.*?)?\s+SET\s+(.*?)\s+WHERE\s`,
    'is',
  ).exec(text);
  if (m?.[3] !== undefined) {
    const setAt = m[0].lastIndexOf(m[3]);
    const writes = splitTopLevel(m[3], setAt).map((part) => {
      const eq = part.text.indexOf('=');
      return {
        column: part.text.slice(0, eq).trim(),
        value: valueSource({ text: part.text.slice(eq + 1), at: part.at + eq + 1 }, marks),
      };
    });
    return { ...shape, kind: 'update', table: m[1], writes, relations: where(m[0].length - 6) };
  }

  m = new RegExp(String.raw`^DELETE\s+.*?FROM\s+${TABLE}`, 'is').exec(text);
  if (m) return { ...shape, kind: 'delete', table: m[1], relations: where(m[0].length) };
  return shape;
}

/** The offsets of the statement's bound markers, in order. */
function paramPositions(text: string): number[] {
  const marks: number[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "'") quoted = !quoted;
    else if (!quoted && text[i] === '?') marks.push(i);
  }
  return marks;
}

type Part = { text: string; at: number };

/** Splits on commas outside parentheses, keeping each part's offset in the statement. */
function splitTopLevel(text: string, at: number): Part[] {
  const parts: Part[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if ((c === ',' && depth === 0) || i === text.length) {
      parts.push({ text: text.slice(start, i), at: at + start });
      start = i + 1;
    }
  }
  return parts;
}

function valueSource(part: Part, marks: number[]): ValueSource {
  const params = marks
    .map((offset, index) => ({ offset, index }))
    .filter(({ offset }) => offset >= part.at && offset < part.at + part.text.length)
    .map(({ index }) => index);
  return params.length > 0 ? { params } : { params, literal: part.text.trim() };
}

const RELATION =
  /^\s*(token\s*\(([^)]*)\)|\(([^)]*)\)|"?(\w+)"?)\s*(<=|>=|=|<|>|\bIN\b|\bCONTAINS\b)\s*(.*?)\s*$/is;

function relations(clause: string, at: number, marks: number[]): Relation[] {
  const found: Relation[] = [];
  let offset = 0;
  for (const text of clause.split(/\s+AND\s+/i)) {
    const start = clause.indexOf(text, offset);
    offset = start + text.length;
    const m = RELATION.exec(text);
    if (!m?.[5] || m[6] === undefined) continue;
    const list = m[2] ?? m[3] ?? m[4] ?? '';
    const columns = list.split(',').map((c) => c.trim().replaceAll('"', ''));
    const valueAt = at + start + text.lastIndexOf(m[6]);
    found.push({
      columns,
      token: m[2] !== undefined,
      operator: m[5].toUpperCase() as Relation['operator'],
      value: valueSource({ text: m[6], at: valueAt }, marks),
    });
  }
  return found;
}
