/*
 * The customer-service window (cloud-api.md): free-form messages may be sent while it is open. It
 * opens and moves only with live inbound messages from the customer (never with echoes, history or
 * statuses): it ends 24 h after the newest one. A referral (click-to-WhatsApp ad) opens a 72 h
 * free-entry-point window as well.
 */

const HOUR = 3_600_000;

/** How long the customer-service window stays open after a live customer message. */
export const WINDOW_MS = 24 * HOUR;
/** How long a free-entry-point window (a referral) stays open. */
export const FEP_WINDOW_MS = 72 * HOUR;

/** The window fields of a conversation (as stored, times in ms). */
export type ConversationWindow = {
  readonly window_expires_at: number | null;
  readonly last_customer_message_at: number | null;
  readonly fep_expires_at: number | null;
};

/** The window fields that change (each only ever moves forward). */
export type WindowPatch = { readonly [K in keyof ConversationWindow]?: number };

/** Whether the customer-service window is open at `now`. */
export function isWindowOpen(conv: { readonly window_expires_at: number | null }, now: number): boolean {
  return conv.window_expires_at !== null && now < conv.window_expires_at;
}

/** Whether a free-entry-point window is open at `now`. */
export function isFepOpen(conv: { readonly fep_expires_at: number | null }, now: number): boolean {
  return conv.fep_expires_at !== null && now < conv.fep_expires_at;
}

/**
 * The window after a live customer message at `at` (Meta's time, ms): window = max(live inbound) +
 * 24 h, and a referral opens a 72 h free-entry-point window. Order-independent (only ever moves
 * forward). Returns only the fields that change (empty when none does); the caller writes them.
 */
export function extendWindow(
  conv: ConversationWindow,
  activity: { readonly at: number; readonly referral: boolean },
): WindowPatch {
  const patch: { -readonly [K in keyof WindowPatch]: WindowPatch[K] } = {};
  const expires = activity.at + WINDOW_MS;
  if ((conv.window_expires_at ?? 0) < expires) patch.window_expires_at = expires;
  if ((conv.last_customer_message_at ?? 0) < activity.at) patch.last_customer_message_at = activity.at;
  const fep = activity.at + FEP_WINDOW_MS;
  if (activity.referral && (conv.fep_expires_at ?? 0) < fep) patch.fep_expires_at = fep;
  return patch;
}

/** Whether a live customer message at `at` opens a window that was closed at that moment. */
export function opensWindow(conv: { readonly window_expires_at: number | null }, at: number): boolean {
  return !isWindowOpen(conv, at);
}
