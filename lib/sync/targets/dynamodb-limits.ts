import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * DynamoDB's limits on an item
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html and
 * .../CapacityUnitCalculations.html), all in UTF-8 bytes: a partition key of 1 to 2,048 bytes,
 * a sort key of 1 to 1,024, an item (names and values) of at most 400 KB. Numbers take 38
 * significant digits, from 1E-130 to below 1E+126 in magnitude. The local server (dynalite)
 * counts key and item sizes in UTF-16 units instead, so a multi-byte key it takes can still
 * be refused by DynamoDB: the checks here measure as DynamoDB does.
 */
export const DYNAMODB_LIMITS = {
  partitionKeyBytes: 2048,
  sortKeyBytes: 1024,
  itemBytes: 400 * 1024,
  numberDigits: 38,
  minExponent: -130,
  maxExponent: 125,
} as const;

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');
const count = (n: number) => n.toLocaleString('en-US');

/** The significant digits and the power of ten of the leading one; zero has no digits. */
function numberParts(text: string): { digits: number; exponent: number } | undefined {
  const m = /^[+-]?(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(text);
  if (!m) return undefined;
  const whole = m[1] ?? '';
  const all = whole + (m[2] ?? '');
  const first = all.search(/[1-9]/);
  if (first < 0) return { digits: 0, exponent: 0 };
  const significant = all.slice(first).replace(/0+$/, '');
  return { digits: significant.length, exponent: whole.length - first - 1 + Number(m[3] ?? 0) };
}

/** Why DynamoDB cannot hold this number, or undefined when it can. */
export function numberProblem(text: string): string | undefined {
  // Most numbers: 38 characters without an exponent cannot break a limit.
  if (text.length <= DYNAMODB_LIMITS.numberDigits && !/e/i.test(text)) return undefined;
  const parts = numberParts(text);
  if (!parts) return `${text} is not a number`;
  const { numberDigits, minExponent, maxExponent } = DYNAMODB_LIMITS;
  if (parts.digits > numberDigits) {
    return `number of ${parts.digits} significant digits (DynamoDB holds ${numberDigits})`;
  }
  if (parts.digits > 0 && (parts.exponent < minExponent || parts.exponent > maxExponent)) {
    return `number ${text} outside DynamoDB's range (1E${minExponent} to below 1E+${maxExponent + 1})`;
  }
  return undefined;
}

/** An attribute value's size as DynamoDB counts it. */
export function attributeBytes(value: AttributeValue): number {
  if (value.S !== undefined) return utf8(value.S);
  if (value.N !== undefined) {
    // About one byte per two significant digits, plus one.
    return Math.ceil((numberParts(value.N)?.digits ?? value.N.length) / 2) + 1;
  }
  if (value.B !== undefined) return value.B.byteLength;
  if (value.NULL !== undefined || value.BOOL !== undefined) return 1;
  // Lists and maps: 3 bytes, and 1 more per element besides the element (and its name).
  if (value.L !== undefined) return value.L.reduce((sum, v) => sum + 1 + attributeBytes(v), 3);
  if (value.M !== undefined) return 3 + itemBytes(value.M) + Object.keys(value.M).length;
  return 0;
}

/** An item's size as DynamoDB counts it: each attribute's name and value. */
export function itemBytes(item: Record<string, AttributeValue>): number {
  let sum = 0;
  for (const [name, value] of Object.entries(item)) sum += utf8(name) + attributeBytes(value);
  return sum;
}

/**
 * At least the value's size, cheaply: a UTF-16 unit is at most 3 bytes of UTF-8, a number at
 * most one byte more than its characters. When the bound fits, the exact size is not needed.
 */
function sizeBound(value: AttributeValue): number {
  if (value.S !== undefined) return 3 * value.S.length;
  if (value.N !== undefined) return value.N.length + 1;
  if (value.B !== undefined) return value.B.byteLength;
  if (value.L !== undefined) return value.L.reduce((sum, v) => sum + 1 + sizeBound(v), 3);
  if (value.M !== undefined) return 3 + itemSizeBound(value.M) + Object.keys(value.M).length;
  return 1;
}

function itemSizeBound(item: Record<string, AttributeValue>): number {
  let sum = 0;
  for (const name in item) sum += 3 * name.length + sizeBound(item[name] as AttributeValue);
  return sum;
}

/** The first number in the value that DynamoDB cannot hold, and why. */
function badNumber(value: AttributeValue): string | undefined {
  if (value.N !== undefined) return numberProblem(value.N);
  const inner = value.L ?? (value.M ? Object.values(value.M) : []);
  for (const v of inner) {
    const problem = badNumber(v);
    if (problem) return problem;
  }
  return undefined;
}

/**
 * Why DynamoDB would refuse this item (keyed `pk` and `sk`, both strings), or undefined when it
 * would take it.
 */
export function dynamoDbItemProblem(item: Record<string, AttributeValue>): string | undefined {
  const { partitionKeyBytes, sortKeyBytes, itemBytes: maxItem } = DYNAMODB_LIMITS;
  for (const [key, max] of [
    ['pk', partitionKeyBytes],
    ['sk', sortKeyBytes],
  ] as const) {
    const bytes = utf8(item[key]?.S ?? '');
    const what =
      key === 'pk'
        ? 'partition key (pk, the partition key columns)'
        : 'sort key (sk, the clustering columns)';
    if (bytes === 0) return `DynamoDB ${what} is empty, which a key cannot be`;
    if (bytes > max) {
      return `DynamoDB ${what} of ${count(bytes)} UTF-8 bytes is over the limit of ${count(max)}`;
    }
  }
  for (const [name, value] of Object.entries(item)) {
    const problem = badNumber(value);
    if (problem) return `column ${name}: ${problem}`;
  }
  if (itemSizeBound(item) <= maxItem) return undefined;
  const bytes = itemBytes(item);
  return bytes > maxItem
    ? `DynamoDB item of ${count(bytes)} bytes is over the limit of 400 KB (${count(maxItem)} bytes)`
    : undefined;
}
