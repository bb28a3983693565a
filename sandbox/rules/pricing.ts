/** Per-message pricing (PMP) object of a status, as Meta sends it since July 2025. */
export interface Pricing {
  billable: boolean;
  pricing_model: 'PMP';
  type: 'regular' | 'free_customer_service' | 'free_entry_point';
  category: string;
}

/** From Oct 1, 2026 utility templates inside an open window are charged too (cloud-api.md §6.4). */
export const UTILITY_IN_WINDOW_CHARGED_FROM = Date.UTC(2026, 9, 1);

export function pricingFor(o: {
  templateCategory: string | null;
  windowOpen: boolean;
  entryPoint: boolean;
  /** Sandbox time of the send. */
  now: number;
}): Pricing {
  if (o.entryPoint) {
    return {
      billable: false,
      pricing_model: 'PMP',
      type: 'free_entry_point',
      category: 'referral_conversion',
    };
  }
  if (!o.templateCategory) {
    return { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'service' };
  }
  const category = o.templateCategory.toLowerCase();
  if (category === 'utility' && o.windowOpen && o.now < UTILITY_IN_WINDOW_CHARGED_FROM) {
    return { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category };
  }
  return { billable: true, pricing_model: 'PMP', type: 'regular', category };
}

/** Graph versions before v24.0 still carry the legacy `conversation` object on statuses. */
export function hasConversationObject(version: string): boolean {
  const major = Number(/^v(\d+)/.exec(version)?.[1] ?? 0);
  return major > 0 && major < 24;
}
