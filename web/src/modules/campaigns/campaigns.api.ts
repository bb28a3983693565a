import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { z } from 'zod';
import type {
  ApiCampaign,
  CampaignMark,
  CreateCampaignRequest,
  ZCampaignReport,
} from '../../../../src/campaigns/campaigns.schemas.ts';
import { api } from '../../api/client.ts';

export type Campaign = ApiCampaign;
export type { CampaignMark };
export type CampaignReport = z.infer<typeof ZCampaignReport>;

/** Keys start with 'campaigns', which the stream's `campaign.changed` notice makes stale. */
export function useCampaigns() {
  return useQuery({
    queryKey: ['campaigns'],
    queryFn: () => api<{ data: Campaign[] }>('/api/campaigns'),
    refetchInterval: 3_000,
  });
}

export function useCampaignReport(id: string | null) {
  return useQuery({
    queryKey: ['campaigns', 'report', id],
    queryFn: () => api<{ data: CampaignReport }>(`/api/campaigns/${id}/report`),
    enabled: id !== null,
    refetchInterval: 2_000,
  });
}

export function useCreateCampaign() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateCampaignRequest) =>
      api<{ data: Campaign }>('/api/campaigns', { method: 'POST', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['campaigns'] }),
  });
}

export function useCampaignAction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: {
      id: string;
      action: 'start' | 'pause' | 'resume' | 'cancel';
      schedule?: { local_time: string; time_zone: string };
    }) =>
      api<{ data: Campaign }>(`/api/campaigns/${input.id}/${input.action}`, {
        method: 'POST',
        body: input.action === 'start' ? { schedule: input.schedule } : {},
      }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['campaigns'] }),
  });
}

/**
 * The campaign marks of a conversation's messages (what a campaign sent, which replies answer one),
 * for the inbox; `version` (the number of messages loaded) refetches it when messages arrive.
 */
export function useCampaignMarks(conversationId: string, version: number): Map<string, CampaignMark> {
  const query = useQuery({
    queryKey: ['campaigns', 'marks', conversationId, version],
    queryFn: () =>
      api<{ data: CampaignMark[] }>(
        `/api/campaigns/marks?conversation_id=${encodeURIComponent(conversationId)}`,
      ),
    // Stable functions only: an inline `placeholderData` or `select` that builds a new object is
    // re-run on every render, and a new value each time re-rendered the timeline without end
    // ("Maximum update depth exceeded"). The map is built once per answer instead.
    placeholderData: keepPreviousData,
  });
  return useMemo(() => marksById(query.data), [query.data]);
}

function marksById(r: { data: CampaignMark[] } | undefined): Map<string, CampaignMark> {
  return new Map((r?.data ?? []).map((m) => [m.message_id, m]));
}
