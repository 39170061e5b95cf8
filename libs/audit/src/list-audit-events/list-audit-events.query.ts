import { Query } from '@nestjs/cqrs';
import type { AuditFilter } from '../infrastructure/audit-filter.sql';

export interface AuditPartyView {
  id: string | null;
  username: string | null;
}

/** The contract's `AuditEvent`. */
export interface AuditEventView {
  id: string;
  seq: number;
  occurredAt: string;
  action: string;
  actor: AuditPartyView | null;
  target: AuditPartyView | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  correlationId: string | null;
  details: Record<string, unknown>;
}

export interface AuditEventPage {
  items: AuditEventView[];
  nextCursor: string | null;
}

/** One page, newest first, of the rows matching `filter` that come before `beforeSeq` (when given). */
export class ListAuditEventsQuery extends Query<AuditEventPage> {
  constructor(
    readonly filter: AuditFilter,
    readonly limit: number,
    readonly beforeSeq: string | null,
  ) {
    super();
  }
}
