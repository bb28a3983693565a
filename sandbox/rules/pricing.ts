/** Per-message pricing (PMP) object of a status, as Meta sends it since July 2025. */
export interface Pricing {
  billable: boolean;
  pricing_model: 'PMP';
  type: 'regular' | 'free_customer_service' | 'free_entry_point';
  category: string;
}

export function pricingFor(o: {
  templateCategory: string | null;
  windowOpen: boolean;
  entryPoint: boolean;
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
  if (category === 'utility' && o.windowOpen) {
    return { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category };
  }
  return { billable: true, pricing_model: 'PMP', type: 'regular', category };
}

/** Graph versions before v24.0 still carry the legacy `conversation` object on statuses. */
export function hasConversationObject(version: string): boolean {
  const major = Number(/^v(\d+)/.exec(version)?.[1] ?? 0);
  return major > 0 && major < 24;
}
