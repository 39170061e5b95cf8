import { createHash } from 'node:crypto';

/**
 * The audit chain's canonical form, mirrored from the database function `audit_event_hash` (migration
 * Migration20261203000004Audit), which is what the recorder and /audit/verify use. This copy lets tools
 * outside the database (the benchmark's bulk fill, an offline check of a dump) compute the same hashes; a
 * test holds it equal to the SQL.
 *
 *   hash = sha256(prev_hash || utf8(canonical))
 *   canonical = "audit-event/v1" | seq | id | occurred_at as epoch milliseconds | action | actor_id
 *               | actor_username | target_id | target_username | ip | user_agent | request_id
 *               | correlation_id | event_id | details as jsonb text
 *
 * Variable fields are written as `<length in UTF-8 bytes>:<text>` and null as `~`, so no value can
 * imitate a separator; ids are lower-case UUID text; details are written exactly as PostgreSQL prints a
 * jsonb value.
 */
export const CANONICAL_VERSION = 'audit-event/v1';
export const GENESIS_HASH: Buffer = Buffer.alloc(32);

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
  return createHash('sha256').update(prevHash).update(canonicalAuditText(row), 'utf8').digest();
}

export function canonicalAuditText(row: ChainedAuditRow): string {
  return [
    CANONICAL_VERSION,
    BigInt(row.seq).toString(),
    row.id.toLowerCase(),
    String(row.occurredAt.getTime()),
    field(row.action),
    field(row.actorId?.toLowerCase() ?? null),
    field(row.actorUsername),
    field(row.targetId?.toLowerCase() ?? null),
    field(row.targetUsername),
    field(row.ip),
    field(row.userAgent),
    field(row.requestId),
    field(row.correlationId?.toLowerCase() ?? null),
    row.eventId.toLowerCase(),
    field(jsonbText(row.details)),
  ].join('|');
}

function field(value: string | null): string {
  return value === null ? '~' : `${Buffer.byteLength(value, 'utf8')}:${value}`;
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
