/** What the inbox may notify about, decided from a stream event (pure, for tests). */
export type NotifyReason =
  | { kind: 'message'; conversationId: string }
  | { kind: 'mention'; conversationId: string; noteId: string };

function field(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
}

/**
 * A new customer message (`message.received`) may deserve a notification (if the conversation is
 * mine); a `conversation.mentioned` naming me always does. Everything else: nothing.
 */
export function notifyReasonOf(data: unknown, meId: string): NotifyReason | null {
  const fact = field(data, 'fact');
  const payload = field(data, 'payload');
  const conversationId = field(payload, 'conversation_id');
  if (typeof conversationId !== 'string') return null;
  if (fact === 'message.received') return { kind: 'message', conversationId };
  if (fact === 'conversation.mentioned' && field(payload, 'user_id') === meId) {
    const noteId = field(payload, 'note_id');
    return { kind: 'mention', conversationId, noteId: typeof noteId === 'string' ? noteId : '' };
  }
  return null;
}

let audio: AudioContext | null = null;

/** A short two-tone chime (Web Audio; no file to fetch). Browsers allow it after a user gesture. */
export function playChime(): void {
  try {
    audio ??= new AudioContext();
    const ctx = audio;
    const start = ctx.currentTime;
    for (const [i, frequency] of [880, 1320].entries()) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, start + i * 0.12);
      gain.gain.exponentialRampToValueAtTime(0.15, start + i * 0.12 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + i * 0.12 + 0.25);
      osc.connect(gain).connect(ctx.destination);
      osc.start(start + i * 0.12);
      osc.stop(start + i * 0.12 + 0.3);
    }
  } catch {
    // No audio device or not allowed yet: the notification itself still shows.
  }
}

/** Whether this browser has notifications at all. */
export function notificationsSupported(): boolean {
  return typeof window !== 'undefined' && 'Notification' in window;
}
