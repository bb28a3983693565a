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
import { eventCatalogue, eventTypes } from '../../../../src/platform/events/catalogue.ts';
import { api } from '../../api/client.ts';
import type { Page } from '../../api/types.ts';

export type { WebhookDelivery, WebhookDeliveryDetail, WebhookEndpoint };

const BASE = '/api/integrations/webhooks';

/** The event types an endpoint can pick, with what each means (the catalogue the hub records). */
export const pickableEventTypes = eventTypes.map((type) => ({
  value: type,
  label: type,
  description: eventCatalogue[type].description,
}));

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
    refetchInterval: 5_000,
  });
}

export function useDelivery(endpointId: string | null, deliveryId: string | null) {
  return useQuery({
    queryKey: ['webhook-delivery', endpointId, deliveryId],
    queryFn: () => api<WebhookDeliveryDetail>(`${BASE}/${endpointId}/deliveries/${deliveryId}`),
    enabled: endpointId !== null && deliveryId !== null,
    refetchInterval: 5_000,
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
