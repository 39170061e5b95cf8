import { Query } from '@nestjs/cqrs';
import type { AuditFilter } from '../infrastructure/audit-filter.sql';

export const SUMMARY_GROUPINGS = ['actor', 'day', 'action'] as const;
export type SummaryGrouping = (typeof SUMMARY_GROUPINGS)[number];

export interface AuditSummaryItem {
  /** The actor's id (null: the system), the UTC day (YYYY-MM-DD) or the action. */
  key: string | null;
  /** What to show for the key: the actor's username, the day, the action. */
  label: string | null;
  count: number;
  /** The count split by action (e.g. resets performed, emails failed). */
  actions: Record<string, number>;
}

export interface AuditSummary {
  groupBy: SummaryGrouping;
  from: string | null;
  to: string | null;
  total: number;
  items: AuditSummaryItem[];
}

export class GetAuditSummaryQuery extends Query<AuditSummary> {
  constructor(
    readonly filter: AuditFilter,
    readonly groupBy: SummaryGrouping,
  ) {
    super();
  }
}
