/*
 * What the Meta webhook parser (`meta-webhooks/parse/`) hands the numbers feature, in the hub's own
 * types (times in ms).
 */

/** An `account_update` event of a WABA (coexistence lifecycle, and anything else Meta reports). */
export type AccountUpdate = {
  readonly event: string;
  /** `waba_info.waba_id`, used when the envelope names no WABA. */
  readonly infoWabaId: string | null;
  /** `phone_number`, digits only: the one number the event concerns, if named. */
  readonly displayPhone: string | null;
  readonly disconnection: { readonly reason: string | null; readonly initiatedBy: string | null };
  /** The event as received (kept in `account_events`). */
  readonly dataJson: string;
};

/** Value-level `errors[]` of a `messages` change. */
export type ValueErrors = { readonly errorsJson: string };
