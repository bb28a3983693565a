import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ApiBusinessHours, ApiVip } from '../../../../src/automation/automation.schemas.ts';
import type { ApiRoutingPolicy } from '../../../../src/routing/routing.schemas.ts';
import { api } from '../../api/client.ts';
import type { Contact, Page } from '../../api/types.ts';

/** Routing policies, business hours and VIPs, as the settings pages use them. */

export type { ApiBusinessHours, ApiRoutingPolicy, ApiVip };

export type RoutingPolicyInput = Omit<ApiRoutingPolicy, 'id' | 'created_at' | 'updated_at'>;
export type BusinessHoursInput = Pick<
  ApiBusinessHours,
  'time_zone' | 'weekly' | 'holidays' | 'out_of_hours_text'
>;

function useInvalidate(key: string[]) {
  const client = useQueryClient();
  return () => void client.invalidateQueries({ queryKey: key });
}

export function useRoutingPolicies() {
  return useQuery({
    queryKey: ['routing-policies'],
    queryFn: async () => (await api<Page<ApiRoutingPolicy>>('/api/routing/policies')).data,
  });
}

export function useSaveRoutingPolicy() {
  const onSuccess = useInvalidate(['routing-policies']);
  return useMutation({
    mutationFn: (input: { id?: string; body: RoutingPolicyInput }) =>
      input.id
        ? api<ApiRoutingPolicy>(`/api/routing/policies/${input.id}`, { method: 'PATCH', body: input.body })
        : api<ApiRoutingPolicy>('/api/routing/policies', { method: 'POST', body: input.body }),
    onSuccess,
  });
}

export function useDeleteRoutingPolicy() {
  const onSuccess = useInvalidate(['routing-policies']);
  return useMutation({
    mutationFn: (id: string) => api<void>(`/api/routing/policies/${id}`, { method: 'DELETE' }),
    onSuccess,
  });
}

/** A number's business hours; null when it has none (always open). */
export function useBusinessHours(phoneNumberId: string | null) {
  return useQuery({
    queryKey: ['business-hours', phoneNumberId],
    enabled: !!phoneNumberId,
    queryFn: async () => {
      try {
        return await api<ApiBusinessHours>(`/api/automation/business-hours/${phoneNumberId}`);
      } catch (error) {
        if ((error as { code?: string }).code === 'NOT_FOUND') return null;
        throw error;
      }
    },
  });
}

export function useSaveBusinessHours(phoneNumberId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: BusinessHoursInput) =>
      api<ApiBusinessHours>(`/api/automation/business-hours/${phoneNumberId}`, { method: 'PUT', body }),
    onSuccess: (saved) => client.setQueryData(['business-hours', phoneNumberId], saved),
  });
}

export function useDeleteBusinessHours(phoneNumberId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api<void>(`/api/automation/business-hours/${phoneNumberId}`, { method: 'DELETE' }),
    onSuccess: () => client.setQueryData(['business-hours', phoneNumberId], null),
  });
}

export function useVips() {
  return useQuery({
    queryKey: ['vips'],
    queryFn: async () => (await api<Page<ApiVip>>('/api/automation/vips')).data,
  });
}

export function useVipActions() {
  const onSuccess = useInvalidate(['vips']);
  return {
    add: useMutation({
      mutationFn: (body: { contact_id: string; note: string | null }) =>
        api<ApiVip>('/api/automation/vips', { method: 'POST', body }),
      onSuccess,
    }),
    remove: useMutation({
      mutationFn: (contactId: string) => api<void>(`/api/automation/vips/${contactId}`, { method: 'DELETE' }),
      onSuccess,
    }),
  };
}

/** Contacts matching a search, for picking a VIP. */
export function useContactSearch(q: string) {
  return useQuery({
    queryKey: ['contacts', 'search', q],
    enabled: q.trim().length >= 2,
    queryFn: async () => (await api<Page<Contact>>('/api/contacts', { query: { q, limit: 10 } })).data,
  });
}

export type ApiAgentRouting = import('../../../../src/routing/routing.schemas.ts').ApiAgentRouting;
export type AgentRoutingInput = Omit<ApiAgentRouting, 'user_id' | 'open_conversations'>;

export function useAgentRouting(userId: string | null) {
  return useQuery({
    queryKey: ['agent-routing', userId],
    enabled: !!userId,
    queryFn: () => api<ApiAgentRouting>(`/api/routing/agents/${userId}`),
  });
}

export function useSaveAgentRouting(userId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: AgentRoutingInput) =>
      api<ApiAgentRouting>(`/api/routing/agents/${userId}`, { method: 'PUT', body }),
    onSuccess: (saved) => client.setQueryData(['agent-routing', userId], saved),
  });
}
