/*
 * What the Meta webhook parser (`meta-webhooks/parse/`) hands the contacts feature, in the hub's
 * own types (timestamps in ms, null when Meta sent none).
 */

/** One contact of the Business app's address book, added/edited or removed (`smb_app_state_sync`). */
export type ContactSync = {
  /** `contact` is the only type the hub applies; anything else fails visibly. */
  readonly type: string | null;
  /** `add` or `remove`; anything else fails visibly. */
  readonly action: string | null;
  readonly at: number | null;
  readonly phone: string | null;
  readonly bsuid: string | null;
  readonly fullName: string | null;
  readonly firstName: string | null;
};

/** A user stopped or resumed marketing messages (`user_preferences`). */
export type MarketingPreference = {
  /** Lower-cased; only marketing categories apply. */
  readonly category: string;
  /** Lower-cased `stop` or `resume`; anything else fails visibly. */
  readonly value: string;
  readonly at: number | null;
  readonly waId: string | null;
  readonly bsuid: string | null;
  readonly profileName: string | null;
};
