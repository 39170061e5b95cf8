import { AsyncLocalStorage } from 'node:async_hooks';

export interface Actor {
  id: string;
  username: string;
  roles: string[];
  sessionId: string;
  mustChangePassword: boolean;
}

/** Who asked and from where: set per HTTP request, and re-entered when an event is delivered later. */
export interface RequestContextData {
  requestId: string;
  ip: string | null;
  userAgent: string | null;
  actor?: Actor;
}

const storage = new AsyncLocalStorage<RequestContextData>();

export const RequestContext = {
  run<T>(data: RequestContextData, fn: () => T): T {
    return storage.run(data, fn);
  },
  current(): RequestContextData | undefined {
    return storage.getStore();
  },
  setActor(actor: Actor): void {
    const store = storage.getStore();
    if (store) store.actor = actor;
  },
};
