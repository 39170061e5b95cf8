import { DomainEvent, DomainEventName, eventNameOf, rehydrateEvent } from './domain-event';
import { RequestContext } from '../context/request-context';

@DomainEventName('test.domain_event_spec_happened')
class Happened extends DomainEvent {
  constructor(
    readonly userId: string,
    readonly ids: string[],
  ) {
    super();
  }
}

describe('domain events in the outbox', () => {
  it('round-trip through their stored JSON as instances of their class, id and payload intact', () => {
    const event = new Happened('u-1', ['a', 'b']);
    const stored = JSON.parse(JSON.stringify(event)) as Record<string, unknown>;

    const back = rehydrateEvent(eventNameOf(event), stored);

    expect(back).toBeInstanceOf(Happened);
    expect(back).toEqual(event);
  });

  it('carry a fresh id each and the context of the request that raised them, or nulls outside one', () => {
    const inRequest = RequestContext.run({ requestId: 'req-7', ip: '198.51.100.4', userAgent: 'ua' }, () => new Happened('u', []));
    const outside = new Happened('u', []);

    expect(inRequest.eventId).not.toBe(outside.eventId);
    expect(inRequest.context).toEqual({ requestId: 'req-7', ip: '198.51.100.4', userAgent: 'ua' });
    expect(outside.context).toEqual({ requestId: null, ip: null, userAgent: null });
  });

  it('refuse an unknown stored name, an event class without a name, and a name used twice', () => {
    class Nameless extends DomainEvent {}
    expect(() => rehydrateEvent('test.never_registered', {})).toThrow('Unknown domain event test.never_registered');
    expect(() => eventNameOf(new Nameless())).toThrow('Nameless has no @DomainEventName');
    expect(() => DomainEventName('test.domain_event_spec_happened')(class Other extends DomainEvent {})).toThrow('Duplicate domain event name');
  });
});
