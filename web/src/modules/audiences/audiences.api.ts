import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { ZContactImport, ZSegment } from '../../../../src/audiences/audiences.schemas.ts';
import type { SegmentFilter } from '../../../../src/audiences/segment-filter.ts';
import { api } from '../../api/client.ts';

export type Segment = z.infer<typeof ZSegment>;
export type ContactImport = z.infer<typeof ZContactImport>;
export type { SegmentFilter };

export function useSegments() {
  return useQuery({ queryKey: ['segments'], queryFn: () => api<{ data: Segment[] }>('/api/segments') });
}

/**
 * The builder's live count: asked again whenever the filter changes, and each time the builder is
 * shown (never the app's 30 s cache: contacts arrive by webhook and by import meanwhile).
 */
export function useAudienceCount(filter: SegmentFilter) {
  return useQuery({
    queryKey: ['segments', 'count', filter],
    queryFn: () =>
      api<{ count: number; sample: string[] }>('/api/segments/count', { method: 'POST', body: { filter } }),
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
}

export function useSaveSegment() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { id?: string; name: string; filter: SegmentFilter }) =>
      body.id
        ? api<Segment>(`/api/segments/${body.id}`, {
            method: 'PUT',
            body: { name: body.name, filter: body.filter },
          })
        : api<Segment>('/api/segments', { method: 'POST', body: { name: body.name, filter: body.filter } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['segments'] }),
  });
}

export function useDeleteSegment() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>(`/api/segments/${id}`, { method: 'DELETE' }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['segments'] }),
  });
}

export function useStartImport() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: {
      phone_number_id: string;
      mode: 'all_or_nothing' | 'valid_only';
      csv: string;
      file_name?: string;
    }) => api<ContactImport>('/api/contact-imports', { method: 'POST', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['contact-imports'] }),
  });
}

/** An import's progress, polled while its job runs. */
export function useImport(id: string | null) {
  return useQuery({
    queryKey: ['contact-imports', id],
    queryFn: () => api<ContactImport>(`/api/contact-imports/${id}`),
    enabled: id !== null,
    refetchInterval: (q) =>
      q.state.data && ['pending', 'running'].includes(q.state.data.state) ? 1_000 : false,
  });
}
