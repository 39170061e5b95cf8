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
 * The first seq recorded at or after an instant. `occurred_at` never decreases along `seq` (the recorder
 * guarantees it), so a time window is a seq range: bounding `seq` lets every filter's (column, seq) index
 * stop at the window's edge instead of reading on to the start of the table.
 */
export function firstSeqAtOrAfter(instantParam: string): string {
  return `coalesce((select b.seq from audit_event b where b.occurred_at >= ${instantParam}::timestamptz
                     order by b.occurred_at, b.seq limit 1), ${MAX_SEQ})`;
}

/** SQL conditions (joined with AND, never empty) for a filter, on table `audit_event` unaliased. */
export function auditConditions(filter: AuditFilter, params: SqlParameters): string {
  const conditions = ['true'];
  if (filter.from) {
    const from = params.add(filter.from);
    conditions.push(`seq >= ${firstSeqAtOrAfter(from)}`, `occurred_at >= ${from}::timestamptz`);
  }
  if (filter.to) {
    const to = params.add(filter.to);
    conditions.push(`seq < ${firstSeqAtOrAfter(to)}`, `occurred_at < ${to}::timestamptz`);
  }
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
