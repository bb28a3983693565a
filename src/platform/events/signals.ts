/**
 * The in-process wake-ups of one hub node: "look again" nudges between the code that commits a
 * change and the loops that act on it (subscribers, realtime streams, the webhook worker, the
 * per-number senders, the job runner). A signal carries no data that matters for correctness: every
 * loop also polls, which is how it notices what other nodes committed. One object per hub (in
 * `AppDeps.signals`), so hubs in one process never cross.
 */
export type SignalMap = {
  /** Domain events were committed (subscribers and realtime streams read the log). */
  events: [];
  /** A webhook was stored (the webhook worker processes it). */
  webhookStored: [];
  /** A send was queued for this number (its sender dispatches). */
  outbox: [phoneNumberId: string];
  /** A job was enqueued or became due (the job runner claims it). */
  jobs: [];
  /** A session or token was revoked or a user disabled (open event streams check their credential now). */
  credentials: [];
};
export type SignalName = keyof SignalMap;

export type Signals = {
  /** Wakes every listener of `name` (soon after the call, never inside it). Cheap; call after commit. */
  emit<K extends SignalName>(name: K, ...args: SignalMap[K]): void;
  /** Calls `listener` on each `emit(name)`; returns the unsubscribe function. */
  on<K extends SignalName>(name: K, listener: (...args: SignalMap[K]) => void): () => void;
};

/** Creates a node's signals; a listener that throws is reported to `onError` and the others still run. */
export function createSignals(onError: (error: unknown) => void = () => {}): Signals {
  const listeners = new Map<SignalName, Set<(...args: never[]) => void>>();
  return {
    emit(name, ...args) {
      const set = listeners.get(name);
      if (!set || set.size === 0) return;
      queueMicrotask(() => {
        for (const listener of [...set]) {
          try {
            (listener as (...a: typeof args) => void)(...args);
          } catch (error) {
            onError(error);
          }
        }
      });
    },
    on(name, listener) {
      let set = listeners.get(name);
      if (!set) {
        set = new Set();
        listeners.set(name, set);
      }
      const entry = listener as (...args: never[]) => void;
      set.add(entry);
      return () => set.delete(entry);
    },
  };
}
