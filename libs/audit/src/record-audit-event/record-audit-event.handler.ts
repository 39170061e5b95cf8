import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { DomainEvent, OnEventInTransaction, TransactionalHandler } from '@app/core';
import { AuditRecorder } from './audit-recorder';
import { AUDITED_EVENTS, auditEntryFor } from './audit-entry.mapper';

/**
 * Records audited events inside the transaction that raises them: the audit row commits or rolls back
 * with the change it describes. An error here is deliberately not caught: a change that cannot be audited
 * must not happen.
 */
@Injectable()
@OnEventInTransaction(...AUDITED_EVENTS)
export class RecordAuditEventHandler implements TransactionalHandler {
  constructor(private readonly recorder: AuditRecorder) {}

  async handle(event: DomainEvent, em: EntityManager): Promise<void> {
    const entry = auditEntryFor(event);
    if (entry) await this.recorder.record(entry, em);
  }
}
