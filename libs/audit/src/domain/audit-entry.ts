import type { AuditAction } from './audit-actions';

export interface AuditParty {
  id: string;
  username: string;
}

/** Details are flat and small: scalars and lists of strings, chosen field by field (never a copied payload). */
export type AuditDetailValue = string | number | boolean | null | string[];
export type AuditDetails = Record<string, AuditDetailValue>;

/** What one audit row says: who did what to whom, from where, as part of which larger operation. */
export interface AuditEntry {
  /** The domain event recorded; the row is unique per event, so recording twice records once. */
  eventId: string;
  action: AuditAction;
  actor: AuditParty | null;
  target: AuditParty | null;
  correlationId: string | null;
  details: AuditDetails;
  requestId: string | null;
  ip: string | null;
  userAgent: string | null;
}
