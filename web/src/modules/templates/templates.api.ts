import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  CreateTemplateRequest,
  Template,
  TemplateDefinition,
  TemplateSample,
} from '../../../../src/templates/templates.schemas.ts';
import { ApiError, api } from '../../api/client.ts';
import type { Page } from '../../api/types.ts';

export type { Template, TemplateSample };

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

/** `PUT /api/templates/:id`: new content (and, before approval, category); back to review. */
export function useEditTemplate() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { id: string; definition: Partial<TemplateDefinition> }) =>
      api<{ data: Template }>(`/api/templates/${input.id}`, { method: 'PUT', body: input.definition }),
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

function csrfToken(): string | null {
  const match = document.cookie.split('; ').find((c) => c.startsWith('coexist_csrf='));
  return match ? decodeURIComponent(match.slice('coexist_csrf='.length)) : null;
}

/** Uploads a media header's sample to Meta (`POST /api/templates/samples`) and answers its handle. */
export async function uploadTemplateSample(wabaId: string, file: File): Promise<TemplateSample> {
  const form = new FormData();
  form.set('waba_id', wabaId);
  form.set('file', file, file.name || 'sample');
  const csrf = csrfToken();
  const response = await fetch('/api/templates/samples', {
    method: 'POST',
    body: form,
    credentials: 'same-origin',
    headers: { accept: 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) },
  });
  const body = (await response.json().catch(() => null)) as {
    data?: TemplateSample;
    error?: { code?: string; message?: string; details?: unknown };
  } | null;
  if (!response.ok || !body?.data) {
    throw new ApiError(
      response.status,
      body?.error?.code ?? 'HTTP_ERROR',
      body?.error?.message ?? `The server answered ${response.status}.`,
      body?.error?.details,
    );
  }
  return body.data;
}
