import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { AuditDatabase } from '../infrastructure/audit-database';
import { auditConditions, SqlParameters } from '../infrastructure/audit-filter.sql';
import { AuditSummary, AuditSummaryItem, GetAuditSummaryQuery, SummaryGrouping } from './audit-summary.query';

interface CountRow {
  key: string | null;
  label: string | null;
  action: string;
  count: string;
}

/** Per grouping: the key expression, and how the label is found (usernames do not change, so max() is one of them). */
const GROUPINGS: Record<SummaryGrouping, { key: string; label: string; groupBy: string }> = {
  actor: { key: 'actor_id::text', label: 'max(actor_username)', groupBy: 'actor_id' },
  // Grouped as a date, formatted once per group rather than once per row.
  day: { key: `to_char((occurred_at at time zone 'UTC')::date, 'YYYY-MM-DD')`, label: 'null', groupBy: `(occurred_at at time zone 'UTC')::date` },
  action: { key: 'action', label: 'null', groupBy: 'action' },
};

@QueryHandler(GetAuditSummaryQuery)
export class GetAuditSummaryHandler implements IQueryHandler<GetAuditSummaryQuery, AuditSummary> {
  constructor(private readonly database: AuditDatabase) {}

  async execute({ filter, groupBy }: GetAuditSummaryQuery): Promise<AuditSummary> {
    const params = new SqlParameters();
    const where = auditConditions(filter, params);
    const grouping = GROUPINGS[groupBy];
    const rows = await this.database.query<CountRow>(
      `select ${grouping.key} as key, ${grouping.label} as label, action, count(*)::text as count
         from audit_event
        where ${where}
        group by ${grouping.groupBy}, action`,
      params.values,
    );
    const items = sortItems(groupBy, fold(groupBy, rows));
    return {
      groupBy,
      from: displayInstant(filter.from),
      to: displayInstant(filter.to),
      total: items.reduce((sum, item) => sum + item.count, 0),
      items,
    };
  }
}

/** The window as an ISO instant with milliseconds; the nanoseconds only when a client gave some. */
function displayInstant(instant: string | undefined): string | null {
  if (!instant) return null;
  return instant.endsWith('000000Z') ? `${instant.slice(0, -7)}Z` : instant;
}

function fold(groupBy: SummaryGrouping, rows: CountRow[]): AuditSummaryItem[] {
  const byKey = new Map<string | null, AuditSummaryItem>();
  for (const row of rows) {
    const item = byKey.get(row.key) ?? { key: row.key, label: groupBy === 'actor' ? row.label : row.key, count: 0, actions: {} };
    const count = Number(row.count);
    item.count += count;
    item.actions[row.action] = count;
    byKey.set(row.key, item);
  }
  return [...byKey.values()];
}

/** Days in calendar order (a chart's x axis); actors and actions busiest first. */
function sortItems(groupBy: SummaryGrouping, items: AuditSummaryItem[]): AuditSummaryItem[] {
  if (groupBy === 'day') return items.sort((a, b) => (a.key ?? '').localeCompare(b.key ?? ''));
  return items.sort((a, b) => b.count - a.count || (a.label ?? '').localeCompare(b.label ?? ''));
}
