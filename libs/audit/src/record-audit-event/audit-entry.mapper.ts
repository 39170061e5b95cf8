import type { DomainEvent } from '@app/core';
import {
  PasswordResetCompletedEvent,
  PasswordResetEvent,
  UserCreatedEvent,
  UserEmailChangedEvent,
  UserPasswordChangedEvent,
} from '@app/users';
import { UserSessionsRevokedEvent } from '@app/sessions';
import { PasswordResetEmailFailedEvent, PasswordResetEmailSentEvent } from '@app/notifications';
import type { AuditAction } from '../domain/audit-actions';
import type { AuditDetails, AuditEntry, AuditParty } from '../domain/audit-entry';

/** The events the trail records; the transactional handler subscribes to exactly these. */
export const AUDITED_EVENTS = [
  PasswordResetEvent,
  PasswordResetCompletedEvent,
  UserEmailChangedEvent,
  UserCreatedEvent,
  UserPasswordChangedEvent,
  UserSessionsRevokedEvent,
  PasswordResetEmailSentEvent,
  PasswordResetEmailFailedEvent,
] as const;

const MAX_TEXT = 1000;
/** NUL, and a surrogate without its pair (cutting at MAX_TEXT can leave one, too). */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Turns a domain event into the row that records it. Every field is picked by name: an event's payload
 * is never copied wholesale, so nothing it might carry beyond these (a password, a token, an IQAMA
 * number) can reach the trail.
 */
export function auditEntryFor(event: DomainEvent): AuditEntry | null {
  if (event instanceof PasswordResetEvent) {
    return entry(event, 'password_reset.performed', event.actor, party(event.userId, event.targetUsername), event.resetId, {
      method: event.method,
      requirePasswordChange: event.requirePasswordChange,
      reason: event.reason,
    });
  }
  if (event instanceof PasswordResetCompletedEvent) {
    return entry(event, 'password_reset.completed', event.actor, party(event.userId, event.targetUsername), event.resetId, {
      sendEmail: event.sendEmail,
      logoutSessions: event.logoutSessions,
    });
  }
  if (event instanceof UserSessionsRevokedEvent) {
    return entry(event, 'sessions.revoked', event.actor, party(event.userId, event.targetUsername), event.correlationId, {
      count: event.count,
      reason: event.reason,
    });
  }
  if (event instanceof PasswordResetEmailSentEvent) {
    return entry(event, 'password_reset.email_sent', event.actor, party(event.userId, event.targetUsername), event.resetId, {
      address: event.address,
      attempts: event.attempts,
    });
  }
  if (event instanceof PasswordResetEmailFailedEvent) {
    return entry(event, 'password_reset.email_failed', event.actor, party(event.userId, event.targetUsername), event.resetId, {
      address: event.address,
      attempts: event.attempts,
      reason: event.reason,
    });
  }
  if (event instanceof UserEmailChangedEvent) {
    return entry(event, 'user.email_changed', event.actor, party(event.userId, event.targetUsername), null, {
      old: event.oldEmail,
      new: event.newEmail,
    });
  }
  if (event instanceof UserCreatedEvent) {
    return entry(event, 'user.created', event.actor, party(event.userId, event.targetUsername), null, {
      type: event.type,
      roles: [...event.roles],
    });
  }
  if (event instanceof UserPasswordChangedEvent) {
    // A person changing their own password: they are both who acted and whom it concerns.
    const self = party(event.userId, event.username);
    return entry(event, 'user.password_changed', self, self, null, {});
  }
  return null;
}

function party(id: string, username: string): AuditParty {
  return { id, username };
}

function entry(
  event: DomainEvent,
  action: AuditAction,
  actor: AuditParty | null,
  target: AuditParty | null,
  correlationId: string | null,
  details: AuditDetails,
): AuditEntry {
  return {
    eventId: event.eventId,
    action,
    actor: cleanParty(actor),
    target: cleanParty(target),
    correlationId: uuidOrNull(correlationId),
    details: cleanDetails(details),
    requestId: text(event.context?.requestId ?? null),
    ip: text(event.context?.ip ?? null),
    userAgent: text(event.context?.userAgent ?? null),
  };
}

function cleanParty(value: AuditParty | null): AuditParty | null {
  if (!value) return null;
  const id = uuidOrNull(value.id);
  return id ? { id, username: text(value.username) ?? '' } : null;
}

/** Id columns are uuid: anything else would fail the insert, and with it the change being recorded. */
function uuidOrNull(value: string | null | undefined): string | null {
  return typeof value === 'string' && UUID.test(value) ? value.toLowerCase() : null;
}

function cleanDetails(details: AuditDetails): AuditDetails {
  const clean: AuditDetails = {};
  for (const [key, value] of Object.entries(details)) {
    if (value === undefined) continue;
    clean[key] = Array.isArray(value) ? value.map((item) => text(String(item)) ?? '') : typeof value === 'string' ? text(value) : value;
  }
  return clean;
}

/**
 * PostgreSQL text holds neither NUL nor unpaired surrogates (a JSON body can smuggle both in); refusing
 * them would roll back the change being audited, so they are replaced. Long values are cut.
 */
function text(value: string | null): string | null {
  if (value === null) return null;
  return value.slice(0, MAX_TEXT).replace(UNSTORABLE, '\uFFFD');
}
