import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { RequestContext } from '../context/request-context';

/** Where the change that raised an event came from; audit records it, deliveries run inside it again. */
export interface EventContext {
  requestId: string | null;
  ip: string | null;
  userAgent: string | null;
}

/**
 * A fact that happened, in the past tense. Carries ids and decisions, never secrets: it is stored in the
 * outbox and may be read by any module of the wider system.
 */
export abstract class DomainEvent {
  readonly eventId: string = randomUUID();
  readonly occurredAt: string = new Date().toISOString();
  context: EventContext = currentEventContext();
}

function currentEventContext(): EventContext {
  const ctx = RequestContext.current();
  return { requestId: ctx?.requestId ?? null, ip: ctx?.ip ?? null, userAgent: ctx?.userAgent ?? null };
}

type EventClass = new (...args: never[]) => DomainEvent;
const byName = new Map<string, EventClass>();
const NAME = Symbol('domain-event-name');

/** Gives an event a stable name for the outbox, independent of the class name. */
export function DomainEventName(name: string) {
  return (target: EventClass): void => {
    if (byName.has(name) && byName.get(name) !== target) throw new Error(`Duplicate domain event name ${name}`);
    byName.set(name, target);
    Reflect.defineMetadata(NAME, name, target);
  };
}

export function eventNameOf(event: DomainEvent): string {
  const name = Reflect.getMetadata(NAME, event.constructor) as string | undefined;
  if (!name) throw new Error(`${event.constructor.name} has no @DomainEventName`);
  return name;
}

/** Rebuilds a stored event as an instance of its class, so `ofType` and `@EventsHandler` match it. */
export function rehydrateEvent(name: string, payload: Record<string, unknown>): DomainEvent {
  const type = byName.get(name);
  if (!type) throw new Error(`Unknown domain event ${name}`);
  return Object.assign(Object.create(type.prototype) as DomainEvent, payload);
}
