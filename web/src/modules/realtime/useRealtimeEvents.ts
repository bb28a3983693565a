import { type QueryClient, type QueryKey, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { streamNotices } from '../../../../src/platform/events/catalogue.ts';
import { invalidationsFor } from './invalidations.ts';

export type RealtimeState = 'connecting' | 'open' | 'closed';

/**
 * The event names of the hub's stream, from the server's event catalogue (the stream notices each
 * catalogue fact travels as). EventSource only delivers named events we listen for.
 */
const EVENT_TYPES = streamNotices;

const FLUSH_MS = 150;

/** An event of the stream as it arrived: the notice (SSE event name) and its data (with `fact` and `payload`). */
export type StreamEvent = { readonly type: string; readonly data: unknown };

const streamListeners = new Set<(event: StreamEvent) => void>();

/**
 * Listens to the events of the app's one stream (notifications react to facts); returns the
 * unsubscribe function. No second EventSource is opened.
 */
export function onStreamEvent(listener: (event: StreamEvent) => void): () => void {
  streamListeners.add(listener);
  return () => streamListeners.delete(listener);
}

/**
 * Batches invalidations: a burst of events (a history import, a campaign) becomes one refetch
 * per query instead of one per event.
 */
function createInvalidator(queryClient: QueryClient) {
  const pending = new Map<string, QueryKey>();
  let timer: number | null = null;
  const flush = () => {
    timer = null;
    for (const key of pending.values()) void queryClient.invalidateQueries({ queryKey: key });
    pending.clear();
  };
  return {
    add(keys: QueryKey[]) {
      for (const key of keys) pending.set(JSON.stringify(key), key);
      if (timer === null) timer = window.setTimeout(flush, FLUSH_MS);
    },
    dispose() {
      if (timer !== null) window.clearTimeout(timer);
    },
  };
}

/**
 * Keeps the query cache fresh from `GET /api/events`. EventSource reconnects by itself and sends
 * `Last-Event-ID`; after a reconnect we refetch everything once, in case the gap was too long.
 */
export function useRealtimeEvents(): RealtimeState {
  const queryClient = useQueryClient();
  const [state, setState] = useState<RealtimeState>('connecting');

  useEffect(() => {
    const source = new EventSource('/api/events', { withCredentials: true });
    const invalidator = createInvalidator(queryClient);
    let wasOpen = false;

    const handleEvent = (event: MessageEvent<string>) => {
      let data: unknown = null;
      try {
        data = JSON.parse(event.data);
      } catch {
        data = null;
      }
      invalidator.add(invalidationsFor(event.type, data));
      for (const listener of streamListeners) listener({ type: event.type, data });
    };
    const handleOpen = () => {
      if (wasOpen) void queryClient.invalidateQueries();
      wasOpen = true;
      setState('open');
    };
    const handleError = () => setState(source.readyState === EventSource.CLOSED ? 'closed' : 'connecting');

    for (const type of EVENT_TYPES) source.addEventListener(type, handleEvent);
    source.addEventListener('open', handleOpen);
    source.addEventListener('error', handleError);
    return () => {
      invalidator.dispose();
      source.close();
    };
  }, [queryClient]);

  return state;
}
