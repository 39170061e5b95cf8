import type { AuditAction } from '../domain/audit-actions';

/** The rows a report covers: every field optional, all of them combined with AND. */
export interface AuditFilter {
  actions?: AuditAction[];
  actorId?: string;
  targetId?: string;
  correlationId?: string;
  /** Inclusive; an ISO 8601 instant with an explicit zone. */
  from?: string;
  /** Exclusive. */
  to?: string;
}

/** Collects bind values and hands out their `$n` placeholders. */
export class SqlParameters {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

const MAX_SEQ = '9223372036854775807';

/**
 * The first seq recorded at or after an instant (one probe of the (occurred_at, seq) index). `occurred_at`
 * never decreases along `seq` (the recorder guarantees it), so a time window is exactly a seq range.
 * Filtering on that range alone, without repeating the occurred_at condition, matters: given both, the
 * planner multiplied two range estimates into a handful of rows and read the whole window through the
 * occurred_at index and sorted it (32 ms for a 7-day window at 1M rows) instead of walking the primary key
 * backwards from the cursor (0.6 ms).
 */
export function firstSeqAtOrAfter(instantParam: string): string {
  return `coalesce((select b.seq from audit_event b where b.occurred_at >= ${instantParam}::timestamptz
                     order by b.occurred_at, b.seq limit 1), ${MAX_SEQ})`;
}

/** SQL conditions (joined with AND, never empty) for a filter, on table `audit_event` unaliased. */
export function auditConditions(filter: AuditFilter, params: SqlParameters): string {
  const conditions = ['true'];
  if (filter.from) conditions.push(`seq >= ${firstSeqAtOrAfter(params.add(filter.from))}`);
  if (filter.to) conditions.push(`seq < ${firstSeqAtOrAfter(params.add(filter.to))}`);
  if (filter.actions && filter.actions.length > 0) {
    conditions.push(filter.actions.length === 1 ? `action = ${params.add(filter.actions[0])}` : `action = any(${params.add(filter.actions)}::text[])`);
  }
  if (filter.actorId) conditions.push(`actor_id = ${params.add(filter.actorId)}::uuid`);
  if (filter.targetId) conditions.push(`target_id = ${params.add(filter.targetId)}::uuid`);
  if (filter.correlationId) conditions.push(`correlation_id = ${params.add(filter.correlationId)}::uuid`);
  return conditions.join(' and ');
}

/** occurred_at as the API shows it: UTC, milliseconds, `Z`. */
export const OCCURRED_AT_TEXT = `to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
