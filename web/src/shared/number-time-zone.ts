import { useBusinessHours } from '../modules/settings/routing.api.ts';

/**
 * A number's business time zone (its business hours' `time_zone`), for its conversations' times;
 * `undefined` while unknown or when the number has no business hours (then the browser's zone).
 * Shares the settings page's `['business-hours', id]` query, so each number is read once.
 */
export function useNumberTimeZone(phoneNumberId: string | null | undefined): string | undefined {
  const hours = useBusinessHours(phoneNumberId ?? null);
  return hours.data?.time_zone ?? undefined;
}
