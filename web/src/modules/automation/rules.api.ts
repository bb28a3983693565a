import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type {
  ApiAutomatedOrigin,
  ApiRule,
  ApiRuleRun,
} from '../../../../src/automation/automation.schemas.ts';
import type { RuleAction, RuleCondition, RuleTrigger } from '../../../../src/automation/rule.schemas.ts';
import { api } from '../../api/client.ts';
import type { Page } from '../../api/types.ts';

/** Rules (create, edit, order, delete) and the origin of each automated message, as the web app uses them. */

export type { ApiAutomatedOrigin, ApiRule, ApiRuleRun, RuleAction, RuleCondition, RuleTrigger };

export type RuleInput = {
  name: string;
  phone_number_id: string | null;
  enabled: boolean;
  trigger: RuleTrigger;
  conditions: RuleCondition[];
  actions: RuleAction[];
};

export function useSaveRule() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { id?: string; body: RuleInput }) =>
      input.id
        ? api<ApiRule>(`/api/automation/rules/${input.id}`, { method: 'PATCH', body: input.body })
        : api<ApiRule>('/api/automation/rules', { method: 'POST', body: input.body }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['rules'] }),
  });
}

export function useDeleteRule() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>(`/api/automation/rules/${id}`, { method: 'DELETE' }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['rules'] }),
  });
}

export function useReorderRules() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (ids: string[]) =>
      api<{ data: ApiRule[] }>('/api/automation/rules/order', { method: 'POST', body: { ids } }),
    onSuccess: (rules) => client.setQueryData(['rules'], rules),
  });
}

/**
 * The origin of a conversation's automated messages (a flow or a rule), by message id. A bot
 * message not in the last fetch (it arrived after it) triggers one refetch, once per label: a bot
 * message automation did not send (none is, today) is not polled for.
 */
export function useAutomatedOrigin(conversationId: string, messageId: string): ApiAutomatedOrigin | null {
  const query = useQuery({
    queryKey: ['automated', conversationId],
    queryFn: async () =>
      (await api<{ data: ApiAutomatedOrigin[] }>(`/api/conversations/${conversationId}/automated`)).data,
    staleTime: 30_000,
  });
  const found = query.data?.find((o) => o.message_id === messageId) ?? null;
  const refetched = useRef(false);
  const { isFetching, dataUpdatedAt, refetch } = query;
  useEffect(() => {
    if (found || isFetching || dataUpdatedAt === 0 || refetched.current) return;
    // Fetched before this message existed: once more, a moment later.
    const timer = window.setTimeout(
      () => {
        refetched.current = true;
        void refetch();
      },
      Math.max(0, dataUpdatedAt + 1_000 - Date.now()),
    );
    return () => window.clearTimeout(timer);
  }, [found, isFetching, dataUpdatedAt, refetch]);
  return found;
}

/** The filters of a rule's run log (`GET /api/automation/runs`). */
export type RunFilters = {
  outcome?: ApiRuleRun['outcome'] | undefined;
  conversationId?: string | undefined;
  /** ISO instants: runs at or after `from`, before `to`. */
  from?: string | undefined;
  to?: string | undefined;
};

/** A rule's runs, newest first, 50 at a time: what each did, or why it did nothing. */
export function useRuleRuns(ruleId: string, filters: RunFilters) {
  return useInfiniteQuery({
    queryKey: ['rule-runs', ruleId, filters],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      api<Page<ApiRuleRun>>('/api/automation/runs', {
        query: {
          rule_id: ruleId,
          outcome: filters.outcome,
          conversation_id: filters.conversationId,
          from: filters.from,
          to: filters.to,
          before: pageParam,
          limit: 50,
        },
      }),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}
