import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CreateTemplateRequest, Template } from '../../../../src/templates/templates.schemas.ts';
import { api } from '../../api/client.ts';
import type { Page } from '../../api/types.ts';

export type { Template };

/** Every key starts with 'templates', the key the stream's `template.changed` notice makes stale. */
export function useTemplates() {
  return useQuery({
    queryKey: ['templates'],
    queryFn: () => api<Page<Template>>('/api/templates'),
    // Review results arrive by webhook; the stream refreshes, the poll is a safety net.
    refetchInterval: 5_000,
  });
}

export function useCreateTemplate() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateTemplateRequest) =>
      api<{ data: Template }>('/api/templates', { method: 'POST', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['templates'] }),
  });
}

export function useDeleteTemplate() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>(`/api/templates/${id}`, { method: 'DELETE' }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['templates'] }),
  });
}
