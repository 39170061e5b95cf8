import { createHash } from 'node:crypto';

/**
 * The audit chain's canonical form, mirrored from the database function `audit_event_hash` (migration
 * Migration20261203000004Audit), which is what the recorder and /audit/verify use. This copy lets tools
 * outside the database (the benchmark's bulk fill, an offline check of a dump) compute the same hashes; a
 * test holds it equal to the SQL.
 *
 *   hash = sha256(prev_hash || 0x01 || seq int8 || id uuid || occurred_at int8 || action text
 *                 || actor_id uuid? || actor_username text || target_id uuid? || target_username text
 *                 || ip text || user_agent text || request_id text || correlation_id uuid?
 *                 || event_id uuid || details text)
 *
 * in PostgreSQL's binary encodings: integers big-endian; a uuid as its 16 bytes, a nullable one behind
 * a 0x00 (null) / 0x01 flag; occurred_at as microseconds since 2000-01-01 UTC; text as its UTF-8 byte
 * length (int4, -1 for null) and bytes; details as PostgreSQL prints the jsonb value. Every field has a
 * fixed size or says its size, so no value can imitate its neighbours.
 */
export const CANONICAL_VERSION = 1;
export const GENESIS_HASH: Buffer = Buffer.alloc(32);

const POSTGRES_EPOCH_MS = 946_684_800_000n;

export interface ChainedAuditRow {
  seq: bigint | number | string;
  id: string;
  occurredAt: Date;
  action: string;
  actorId: string | null;
  actorUsername: string | null;
  targetId: string | null;
  targetUsername: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  correlationId: string | null;
  eventId: string;
  details: unknown;
}

export function auditEventHash(prevHash: Buffer, row: ChainedAuditRow): Buffer {
  return createHash('sha256').update(prevHash).update(canonicalAuditBytes(row)).digest();
}

export function canonicalAuditBytes(row: ChainedAuditRow): Buffer {
  return Buffer.concat([
    Buffer.from([CANONICAL_VERSION]),
    int8(BigInt(row.seq)),
    uuid(row.id),
    int8((BigInt(row.occurredAt.getTime()) - POSTGRES_EPOCH_MS) * 1000n),
    text(row.action),
    optionalUuid(row.actorId),
    text(row.actorUsername),
    optionalUuid(row.targetId),
    text(row.targetUsername),
    text(row.ip),
    text(row.userAgent),
    text(row.requestId),
    optionalUuid(row.correlationId),
    uuid(row.eventId),
    text(jsonbText(row.details)),
  ]);
}

function int8(value: bigint): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeBigInt64BE(value);
  return bytes;
}

function int4(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeInt32BE(value);
  return bytes;
}

function uuid(value: string): Buffer {
  const hex = value.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new TypeError(`Not a UUID: ${value}`);
  return Buffer.from(hex, 'hex');
}

function optionalUuid(value: string | null): Buffer {
  return value === null ? Buffer.from([0]) : Buffer.concat([Buffer.from([1]), uuid(value)]);
}

function text(value: string | null): Buffer {
  if (value === null) return int4(-1);
  const bytes = Buffer.from(value, 'utf8');
  return Buffer.concat([int4(bytes.length), bytes]);
}

/**
 * A JSON value as PostgreSQL's jsonb output writes it: object keys shortest first, then by their bytes;
 * ", " between members and ": " after keys; strings escaped as JSON.stringify does (the two agree for
 * every string PostgreSQL can store). Numbers are limited to what both print alike (no exponent form).
 */
export function jsonbText(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return jsonbNumber(value);
  if (Array.isArray(value)) return `[${value.map(jsonbText).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => compareJsonbKeys(a, b));
    return `{${entries.map(([key, v]) => `${JSON.stringify(key)}: ${jsonbText(v)}`).join(', ')}}`;
  }
  throw new TypeError(`A ${typeof value} cannot be stored in jsonb`);
}

function jsonbNumber(value: number): string {
  const text = Object.is(value, -0) ? '0' : String(value);
  if (!Number.isFinite(value) || /e/i.test(text)) throw new TypeError(`The number ${text} has no agreed jsonb text`);
  return text;
}

/** jsonb orders keys by byte length first, then byte by byte (not alphabetically). */
function compareJsonbKeys(a: string, b: string): number {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length - right.length || Buffer.compare(left, right);
}
