/** Every action the trail records. The list is closed: a filter naming anything else is a client error. */
export const AUDIT_ACTIONS = [
  'password_reset.performed',
  'password_reset.completed',
  'sessions.revoked',
  'password_reset.email_sent',
  'password_reset.email_failed',
  'user.email_changed',
  'user.created',
  'user.password_changed',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export function isAuditAction(value: unknown): value is AuditAction {
  return typeof value === 'string' && (AUDIT_ACTIONS as readonly string[]).includes(value);
}
