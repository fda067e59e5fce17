import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';

import { liveEventSchemas, type LiveEventData, type LiveEventName } from './schemas.ts';

/** State of the live event stream, shown to the user. */
export type LiveStatus = 'connecting' | 'connected' | 'reconnecting' | 'closed';

/** Receives the data of one event and its SSE id (empty for `resync`, which has none). */
type Listener = (data: unknown, eventId: string) => void;

/** Fan-out of one EventSource to the components that listen. */
class LiveEventHub {
  private readonly listeners = new Map<LiveEventName, Set<Listener>>();

  on(name: LiveEventName, listener: Listener): () => void {
    const set = this.listeners.get(name) ?? new Set<Listener>();
    set.add(listener);
    this.listeners.set(name, set);

    return () => set.delete(listener);
  }

  emit(name: LiveEventName, data: unknown, eventId: string) {
    for (const listener of this.listeners.get(name) ?? []) listener(data, eventId);
  }
}

const HubContext = createContext<LiveEventHub | null>(null);
const StatusContext = createContext<LiveStatus>('connecting');

/** Path of the Server-Sent Events stream; the session cookie authenticates it. */
export const EVENTS_PATH = '/api/v1/events';

/**
 * Opens one `EventSource` for the whole workspace and passes its events to `useLiveEvent`
 * listeners. After a lost connection, the browser reconnects by itself and resends
 * `Last-Event-ID`. Listeners then also get a `resync`, because events sent while the
 * connection was down may be missing from the replay.
 */
export function LiveEventsProvider({ children }: { children: ReactNode }) {
  const [hub] = useState(() => new LiveEventHub());
  const [status, setStatus] = useState<LiveStatus>('connecting');

  useEffect(() => {
    const source = new EventSource(EVENTS_PATH);
    let hasFailed = false;

    // NOTE: no test drops a live connection, so the resync after a reconnect has not been run.
    source.onopen = () => {
      setStatus('connected');
      if (hasFailed) hub.emit('resync', null, '');
    };
    source.onerror = () => {
      hasFailed = true;
      // CLOSED means the browser gave up (for example a 401 or 404), so it will not retry.
      setStatus(source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting');
    };
    for (const name of Object.keys(liveEventSchemas) as LiveEventName[]) {
      source.addEventListener(name, (event: MessageEvent<string>) => {
        hub.emit(name, parseEventData(event.data), event.lastEventId);
      });
    }

    return () => {
      source.close();
    };
  }, [hub]);

  return (
    <HubContext.Provider value={hub}>
      <StatusContext.Provider value={status}>{children}</StatusContext.Provider>
    </HubContext.Provider>
  );
}

function parseEventData(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Returns the state of the live event stream. */
export function useLiveStatus(): LiveStatus {
  return useContext(StatusContext);
}

/**
 * Calls `onEvent` with the data and the SSE id of every live event of the given name. Data that
 * does not match the event's schema is skipped, because a page cannot act on it.
 */
export function useLiveEvent<K extends LiveEventName>(
  name: K,
  onEvent: (data: LiveEventData[K], eventId: string) => void,
) {
  const hub = useContext(HubContext);
  const handlerRef = useRef(onEvent);
  useEffect(() => {
    handlerRef.current = onEvent;
  });

  useEffect(() => {
    if (hub === null) return undefined;
    const schema = liveEventSchemas[name];

    return hub.on(name, (data, eventId) => {
      const parsed = schema.safeParse(data);
      if (parsed.success) handlerRef.current(parsed.data as LiveEventData[K], eventId);
    });
  }, [hub, name]);
}
