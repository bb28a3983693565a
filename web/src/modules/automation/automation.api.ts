import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  ApiAutomationSettings,
  ApiControl,
  ApiRule,
} from '../../../../src/automation/automation.schemas.ts';
import type { FlowDefinition, FlowStep } from '../../../../src/automation/flows/flow-definition.ts';
import type { FlowEffect, SessionPosition } from '../../../../src/automation/flows/interpreter.ts';
import { api } from '../../api/client.ts';

/** The automation API as the web app uses it: control of a conversation, flows, the knowledge base, rules. */

export type { ApiControl, ApiRule, FlowDefinition, FlowStep, SessionPosition };

export type FlowRun = {
  id: string;
  flow_id: string;
  flow_name: string;
  version: number;
  status: 'active' | 'completed' | 'handed_off' | 'cancelled';
  step_id: string | null;
  step_type: string | null;
  waiting: string | null;
  answers: Record<string, string>;
  started_at: string;
  ended_at: string | null;
};

export type Flow = {
  id: string;
  phone_number_id: string | null;
  name: string;
  description: string;
  version: number;
  enabled: boolean;
  is_welcome: boolean;
  created_at: string;
  updated_at: string;
  definition?: FlowDefinition;
};

export type KbEntry = {
  id: string;
  phone_number_id: string | null;
  question: string;
  answer: string;
  keywords: string;
  language: string | null;
};

export type DryRunEffect = {
  kind: FlowEffect['kind'];
  step_id: string;
  content?: unknown;
  attributes?: Record<string, unknown>;
  note?: string;
  text?: string;
};

export function useControl(conversationId: string) {
  return useQuery({
    queryKey: ['control', conversationId],
    queryFn: () => api<ApiControl>(`/api/conversations/${conversationId}/control`),
    refetchInterval: 5_000,
  });
}

export function useFlowRun(conversationId: string) {
  return useQuery({
    queryKey: ['flow-run', conversationId],
    queryFn: () => api<{ run: FlowRun | null }>(`/api/conversations/${conversationId}/flow-run`),
    refetchInterval: 5_000,
  });
}

export function useControlAction(conversationId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (action: 'take-over' | 'hand-back' | 'keep-with-humans') =>
      api<ApiControl>(`/api/conversations/${conversationId}/control/${action}`, { method: 'POST', body: {} }),
    onSuccess: (control) => {
      client.setQueryData(['control', conversationId], control);
      void client.invalidateQueries({ queryKey: ['flow-run', conversationId] });
    },
  });
}

export function useFlows() {
  return useQuery({ queryKey: ['flows'], queryFn: () => api<{ data: Flow[] }>('/api/flows') });
}

export function useFlow(id: string | null) {
  return useQuery({
    queryKey: ['flow', id],
    queryFn: () => api<Flow>(`/api/flows/${id}`),
    enabled: !!id,
  });
}

export function useSaveFlow() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { id?: string; body: Partial<Flow> & { definition?: FlowDefinition } }) =>
      input.id
        ? api<Flow>(`/api/flows/${input.id}`, { method: 'PATCH', body: input.body })
        : api<Flow>('/api/flows', { method: 'POST', body: input.body }),
    onSuccess: (flow) => {
      client.setQueryData(['flow', flow.id], flow);
      void client.invalidateQueries({ queryKey: ['flows'] });
    },
  });
}

export function dryRun(body: {
  definition: FlowDefinition;
  phone_number_id: string | null;
  position: SessionPosition | null;
  input: { kind: 'start' } | { kind: 'message'; text: string; reply_id?: string | null };
}) {
  return api<{ effects: DryRunEffect[]; position: SessionPosition }>('/api/flows/dry-run', {
    method: 'POST',
    body,
  });
}

export function useKnowledge() {
  return useQuery({ queryKey: ['knowledge'], queryFn: () => api<{ data: KbEntry[] }>('/api/knowledge') });
}

export function useKnowledgeActions() {
  const client = useQueryClient();
  const done = () => void client.invalidateQueries({ queryKey: ['knowledge'] });
  return {
    create: useMutation({
      mutationFn: (body: Omit<KbEntry, 'id'>) => api<KbEntry>('/api/knowledge', { method: 'POST', body }),
      onSuccess: done,
    }),
    remove: useMutation({
      mutationFn: (id: string) => api<void>(`/api/knowledge/${id}`, { method: 'DELETE' }),
      onSuccess: done,
    }),
  };
}

export function useRules() {
  return useQuery({ queryKey: ['rules'], queryFn: () => api<{ data: ApiRule[] }>('/api/automation/rules') });
}

export function useToggleRule() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { id: string; enabled: boolean }) =>
      api<ApiRule>(`/api/automation/rules/${input.id}`, {
        method: 'PATCH',
        body: { enabled: input.enabled },
      }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['rules'] }),
  });
}

export type { ApiAutomationSettings };

/** A number's handoff settings: the humans' silence before automation speaks again, and the loop breaker. */
export function useAutomationSettings(phoneNumberId: string | null) {
  return useQuery({
    queryKey: ['automation-settings', phoneNumberId],
    enabled: !!phoneNumberId,
    queryFn: () => api<ApiAutomationSettings>(`/api/automation/settings/${phoneNumberId}`),
  });
}

export function useSaveAutomationSettings(phoneNumberId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { human_silence_minutes: number; loop_cap_per_hour: number }) =>
      api<ApiAutomationSettings>(`/api/automation/settings/${phoneNumberId}`, { method: 'PUT', body }),
    onSuccess: (saved) => client.setQueryData(['automation-settings', phoneNumberId], saved),
  });
}

/** A number's AI reply provider (an OpenAI-compatible chat-completions endpoint); the key is never returned. */
export type ApiAiSettings = {
  phone_number_id: string;
  enabled: boolean;
  base_url: string;
  model: string;
  has_api_key: boolean;
  instructions: string;
  updated_at: string | null;
};

export type AiSettingsInput = {
  enabled?: boolean;
  base_url?: string;
  model?: string;
  /** A new key; null removes it; absent keeps it. */
  api_key?: string | null;
  instructions?: string;
};

export function useAiSettings(phoneNumberId: string | null) {
  return useQuery({
    queryKey: ['ai-settings', phoneNumberId],
    enabled: !!phoneNumberId,
    queryFn: () => api<ApiAiSettings>(`/api/ai-settings/${phoneNumberId}`),
  });
}

export function useSaveAiSettings(phoneNumberId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: AiSettingsInput) =>
      api<ApiAiSettings>(`/api/ai-settings/${phoneNumberId}`, { method: 'PUT', body }),
    onSuccess: (saved) => client.setQueryData(['ai-settings', phoneNumberId], saved),
  });
}
