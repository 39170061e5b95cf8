import { Query } from '@nestjs/cqrs';
import type { AuditFilter } from '../infrastructure/audit-filter.sql';

export interface AuditChainVerdict {
  valid: boolean;
  /** Events whose hash was recomputed. */
  checked: number;
  /** The first event (by seq) whose hash or link to its predecessor does not match; null when valid. */
  firstInvalidSeq: number | null;
}

export class VerifyAuditChainQuery extends Query<AuditChainVerdict> {
  constructor(readonly window: Pick<AuditFilter, 'from' | 'to'>) {
    super();
  }
}
