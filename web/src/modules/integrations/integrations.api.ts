import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  WebhookDelivery,
  WebhookDeliveryDetail,
  WebhookEndpoint,
  WebhookEndpointCreate,
  WebhookEndpointUpdate,
  WebhookEndpointWithSecret,
  WebhookRecoverResponse,
  WebhookRotateResponse,
} from '../../../../src/integrations/outbound-webhooks/outbound-webhooks.schemas.ts';
import { eventTypes } from '../../../../src/platform/events/catalogue.ts';
import { api } from '../../api/client.ts';
import type { Page } from '../../api/types.ts';

export type { WebhookDelivery, WebhookDeliveryDetail, WebhookEndpoint };

const BASE = '/api/integrations/webhooks';

// A pending delivery is usually a second away from its attempt (a resend, a first try): poll faster.
const PENDING_POLL_MS = 1_000;
const IDLE_POLL_MS = 5_000;

/** An event type an endpoint can pick, with what it means. */
export type PickableEventType = { value: string; label: string; description: string };

/** The `t` of the integrations namespace (`useTranslation('integrations')`). */
type Translate = (key: string) => string;

/**
 * What an event type means, in the user's language: `integrations:eventTypes.<type>` (English is the
 * server catalogue's description, src/platform/events/catalogue.ts, without its code backticks).
 */
export const eventTypeDescription = (t: Translate, type: string): string => t(`eventTypes.${type}`);

/** The group an event type's prefix names (`message`, `conversation`, ...), in the user's language. */
export const eventGroupLabel = (t: Translate, prefix: string): string => t(`eventGroups.${prefix}`);

/** The event types an endpoint can pick, grouped by what they concern, with descriptions from `t`. */
export function pickableEventTypes(t: Translate): { group: string; items: PickableEventType[] }[] {
  const groups = new Map<string, PickableEventType[]>();
  for (const type of eventTypes) {
    const prefix = type.split('.')[0] ?? type;
    const items = groups.get(prefix) ?? [];
    items.push({ value: type, label: type, description: eventTypeDescription(t, type) });
    groups.set(prefix, items);
  }
  return [...groups].map(([prefix, items]) => ({ group: eventGroupLabel(t, prefix), items }));
}

export function useEndpoints() {
  return useQuery({
    queryKey: ['webhook-endpoints'],
    queryFn: () => api<{ data: WebhookEndpoint[] }>(BASE),
  });
}

export function useDeliveries(endpointId: string | null, state: string | null) {
  return useQuery({
    queryKey: ['webhook-deliveries', endpointId, state],
    queryFn: () =>
      api<Page<WebhookDelivery>>(`${BASE}/${endpointId}/deliveries`, { query: { state, limit: 50 } }),
    enabled: endpointId !== null,
    placeholderData: keepPreviousData,
    refetchInterval: (query) =>
      query.state.data?.data.some((d) => d.state === 'pending') ? PENDING_POLL_MS : IDLE_POLL_MS,
  });
}

export function useDelivery(endpointId: string | null, deliveryId: string | null) {
  return useQuery({
    queryKey: ['webhook-delivery', endpointId, deliveryId],
    queryFn: () => api<WebhookDeliveryDetail>(`${BASE}/${endpointId}/deliveries/${deliveryId}`),
    enabled: endpointId !== null && deliveryId !== null,
    refetchInterval: (query) => (query.state.data?.state === 'pending' ? PENDING_POLL_MS : IDLE_POLL_MS),
  });
}

function useInvalidate() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: ['webhook-endpoints'] });
    void queryClient.invalidateQueries({ queryKey: ['webhook-deliveries'] });
    void queryClient.invalidateQueries({ queryKey: ['webhook-delivery'] });
  };
}

export function useCreateEndpoint() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (body: WebhookEndpointCreate) =>
      api<WebhookEndpointWithSecret>(BASE, { method: 'POST', body }),
    onSettled: invalidate,
  });
}

export function useUpdateEndpoint() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ id, ...body }: WebhookEndpointUpdate & { id: string }) =>
      api<WebhookEndpoint>(`${BASE}/${id}`, { method: 'PATCH', body }),
    onSettled: invalidate,
  });
}

export function useDeleteEndpoint() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (id: string) => api<void>(`${BASE}/${id}`, { method: 'DELETE' }),
    onSettled: invalidate,
  });
}

export function useRotateSecret() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (id: string) =>
      api<WebhookRotateResponse>(`${BASE}/${id}/rotate-secret`, {
        method: 'POST',
        body: { overlap_seconds: 86_400 },
      }),
    onSettled: invalidate,
  });
}

export function useRecover() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ id, since }: { id: string; since: string }) =>
      api<WebhookRecoverResponse>(`${BASE}/${id}/recover`, { method: 'POST', body: { since } }),
    onSettled: invalidate,
  });
}

export function useResend() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ endpointId, deliveryId }: { endpointId: string; deliveryId: string }) =>
      api<{ resent: boolean }>(`${BASE}/${endpointId}/deliveries/${deliveryId}/resend`, { method: 'POST' }),
    onSettled: invalidate,
  });
}
