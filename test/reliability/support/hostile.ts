import fc from 'fast-check';

/** A JSON object kept as its entries, so keys like `__proto__` survive until they are written out. */
export class Obj {
  constructor(readonly entries: [string, unknown][]) {}
}

/** JSON text for a value that may hold Obj nodes (written key by key, `__proto__` included). */
export function toJson(value: unknown): string {
  if (value instanceof Obj) return `{${value.entries.map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`).join(',')}}`;
  if (Array.isArray(value)) return `[${value.map(toJson).join(',')}]`;
  if (typeof value === 'number' && !Number.isFinite(value)) return '1e999';
  return JSON.stringify(value) ?? 'null';
}

export const SQL = [
  "' OR '1'='1",
  "'; drop table app_user; --",
  '" OR ""="',
  "1; select pg_sleep(10)--",
  "admin'--",
  "%' or 1=1 --",
  '$1',
  '\\',
  "') union select password_hash from app_user --",
];
export const HTML = ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '"><svg/onload=alert(1)>', '{{constructor.constructor("alert(1)")()}}', '${7*7}', '=HYPERLINK("http://x")', '../../etc/passwd'];
/** Look-alikes of "admin": Cyrillic, full-width, zero-width, soft hyphen, right-to-left override, combining marks, BOM. */
export const CONFUSABLE = ['аdmin', 'ａｄｍｉｎ', 'admin\u200b', 'ad\u00admin', '\u202enimda', 'admi\u0301n', '\ufeffadmin', 'ⓐdmin', 'ADMİN', 'straße'];
export const NASTY = ['\u0000', 'a\u0000b', '\ud800', '\udfff', '\uffff', '\r\n', '\t', ' ', '', '  padded  ', 'null', 'true', '-1', '1e309', 'NaN', '__proto__', 'constructor', 'prototype', '0x10', '١٢٣'];
export const POLLUTING_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];

function strings(maxLong: number): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(...SQL, ...HTML, ...CONFUSABLE, ...NASTY),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 20 }),
    fc.integer({ min: 201, max: maxLong }).map((n) => 'é'.repeat(n)),
    fc.constantFrom(...SQL, ...HTML, ...CONFUSABLE).chain((s) => fc.integer({ min: 1, max: 4 }).map((n) => s.repeat(n))),
  );
}

/** Text of every kind that hurts: SQL, HTML, look-alikes, control and unpaired surrogate characters, long runs. */
export const hostileString: fc.Arbitrary<string> = strings(5000);
/** The same, short enough for a URL (long URLs are a test of their own). */
export const shortHostileString: fc.Arbitrary<string> = strings(600);

const scalar: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.integer(),
  fc.constantFrom(0, -1, 2 ** 31, 2 ** 53 + 1, -(2 ** 63), 1e308, -0, 0.1, Number.POSITIVE_INFINITY),
  fc.boolean(),
  fc.constant(null),
);

export const hostileKey: fc.Arbitrary<string> = fc.oneof(fc.constantFrom(...POLLUTING_KEYS), hostileString);

/** Any JSON value, objects possibly carrying prototype-polluting keys. */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown; object: Obj }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(tie('value'), { maxLength: 4 }), tie('object')),
  object: fc.array(fc.tuple(hostileKey, tie('value')), { maxLength: 4 }).map((entries) => new Obj(entries)),
})).value;

/** A value nested `depth` levels deep, as objects or arrays. */
export function nested(depth: number, kind: 'object' | 'array', key = 'a'): string {
  return kind === 'object' ? `${`{"${key}":`.repeat(depth)}1${'}'.repeat(depth)}` : `${'['.repeat(depth)}1${']'.repeat(depth)}`;
}

export const MALFORMED_JSON = ['{', '{"a":1,}', "{'a':1}", '{"a":1}{"b":2}', '\u0000', 'undefined', '{"a":"\\ud800"}', '{"a":1e999}', '{"a":01}', '[', '{"a":"\u0000"}', 'nul'];

/**
 * Request bodies for an operation with the given fields: a valid-looking body with one field made
 * hostile or an extra hostile key, a prototype-polluting object, another JSON type, deep nesting, or
 * text that is not JSON. The body text, and the object keys it sends (for checking `errors[].field`).
 */
export function hostileBody(fields: string[], base: Record<string, unknown>): fc.Arbitrary<{ text: string; keys: string[] | null }> {
  const baseEntries = Object.entries(base);
  const withField = fc
    .tuple(fc.constantFrom(...(fields.length ? fields : ['x'])), hostileValue, fc.option(fc.tuple(hostileKey, hostileValue), { nil: undefined }))
    .map(([field, value, extra]) => {
      const entries: [string, unknown][] = [...baseEntries.filter(([k]) => k !== field), [field, value]];
      if (extra) entries.push(extra);
      return new Obj(entries);
    });
  const polluting = fc.tuple(fc.constantFrom(...POLLUTING_KEYS), hostileValue).map(([key, value]) => new Obj([...baseEntries, [key, new Obj([['polluted', true], ['isAdmin', true], ['roles', ['admin']]])], ['x', value]]));
  const asObject = fc.oneof(withField, polluting, hostileValue.filter((v) => v instanceof Obj));
  return fc.oneof(
    { arbitrary: asObject.map((obj) => ({ text: toJson(obj), keys: (obj as Obj).entries.map(([k]) => k) })), weight: 6 },
    { arbitrary: fc.oneof(scalar, fc.array(hostileValue, { maxLength: 3 })).map((v) => ({ text: toJson(v), keys: null })), weight: 1 },
    {
      arbitrary: fc
        .tuple(fc.integer({ min: 8, max: 40 }), fc.constantFrom<'object' | 'array'>('object', 'array'), fc.constantFrom(...(fields.length ? fields : ['x'])))
        .map(([depth, kind, field]) => ({ text: kind === 'object' ? `{"${field}":${nested(depth, 'object')}}` : nested(depth, 'array'), keys: kind === 'object' ? [field] : null })),
      weight: 1,
    },
    { arbitrary: fc.constantFrom(...MALFORMED_JSON).map((text) => ({ text, keys: null })), weight: 1 },
  );
}

/** A path segment that is not a known id: text, SQL, look-alikes, traversal, broken percent-encoding, wrong case. */
export const hostileSegment: fc.Arbitrary<string> = fc.oneof(
  shortHostileString.filter((s) => s.length > 0 && s.length < 300 && canEncode(s)).map(encodeURIComponent),
  fc.constantFrom('%', '%zz', '%00', '%E0%A4%A', '..%2F..%2Fetc%2Fpasswd', '%2e%2e', '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '1', '-1', 'null', 'undefined', '%20', '%C0%AE'),
  fc.uuid().map((u) => u.toUpperCase()),
  fc.uuid(),
  fc.integer({ min: 201, max: 2000 }).map((n) => 'a'.repeat(n)),
);

/** True when the body text has keys that JSON parsers refuse as prototype poisoning (tested on their own). */
export function poisonsPrototype(text: string): boolean {
  return /"__proto__"\s*:/.test(text) || (/"constructor"\s*:/.test(text) && /"prototype"\s*:/.test(text));
}

function canEncode(s: string): boolean {
  try {
    encodeURIComponent(s);
    return true;
  } catch {
    return false;
  }
}

/** A query string over the operation's parameters and some unknown ones: hostile values, repeated names, broken encoding. */
export function hostileQuery(names: string[]): fc.Arbitrary<{ query: string; names: string[] }> {
  const name = fc.oneof({ arbitrary: fc.constantFrom(...(names.length ? names : ['q'])), weight: 4 }, { arbitrary: fc.oneof(fc.constantFrom(...POLLUTING_KEYS, '__proto__[isAdmin]', 'constructor[prototype][x]'), shortHostileString.filter(canEncode)), weight: 1 });
  const value = fc.oneof(shortHostileString.filter(canEncode).map(encodeURIComponent), fc.constantFrom('%', '%zz', '', '-1', '0', '99999999999999999999', '1.5', '2026-02-30T00:00:00Z', 'yesterday', '%00'));
  return fc.array(fc.tuple(name, value), { minLength: 1, maxLength: 4 }).map((pairs) => ({
    query: pairs.map(([k, v]) => `${canEncode(k) ? encodeURIComponent(k) : 'x'}=${v}`).join('&'),
    names: pairs.map(([k]) => k),
  }));
}
