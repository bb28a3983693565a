import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type {
  ZArchiveEntry,
  ZVerificationStatus,
  ZVerifyResponse,
} from '../../../../src/archive/archive.schemas.ts';
import { ApiError, api, buildUrl } from '../../api/client.ts';
import type { Page } from '../../api/types.ts';

export type ArchiveEntry = z.infer<typeof ZArchiveEntry>;
export type ArchiveStatus = z.infer<typeof ZVerificationStatus>;
export type ArchiveVerification = z.infer<typeof ZVerifyResponse>;

/** What the auditor searches by (empty fields are left out). */
export type ArchiveQuery = {
  q?: string;
  type?: string;
  contact_id?: string;
  phone_number_id?: string;
  actor_id?: string;
  origin?: string;
  from?: string;
  to?: string;
  message_id?: string;
};

/** Archive entries matching the query, newest first (one page of up to 200). */
export function useArchiveEntries(query: ArchiveQuery, enabled = true) {
  return useQuery({
    queryKey: ['audit', 'entries', query],
    queryFn: () => api<Page<ArchiveEntry>>('/api/audit/entries', { query: { ...query, limit: 200 } }),
    enabled,
  });
}

/** The log's size, newest checkpoint and last verification. */
export function useArchiveStatus() {
  return useQuery({ queryKey: ['audit', 'status'], queryFn: () => api<ArchiveStatus>('/api/audit/status') });
}

/** Runs a full verification on the hub. */
export function useVerifyArchive() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api<ArchiveVerification>('/api/audit/verify', { method: 'POST', body: {} }),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ['audit'] }),
  });
}

function csrf(): string | null {
  for (const part of document.cookie.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === 'coexist_csrf') return decodeURIComponent(rest.join('='));
  }
  return null;
}

/** Downloads an export bundle (JSON lines) for the filter, as a file named by the server. */
export async function downloadExport(
  filter: Pick<ArchiveQuery, 'contact_id' | 'phone_number_id' | 'from' | 'to'>,
) {
  const body = Object.fromEntries(Object.entries(filter).filter(([, v]) => v));
  const token = csrf();
  const response = await fetch(buildUrl('/api/audit/exports'), {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', ...(token ? { 'x-csrf-token': token } : {}) },
    body: JSON.stringify(body),
  });
  if (!response.ok) {
    const error = (await response.json().catch(() => null)) as {
      error?: { code: string; message: string };
    } | null;
    throw new ApiError(
      response.status,
      error?.error?.code ?? 'HTTP_ERROR',
      error?.error?.message ?? 'The export failed.',
    );
  }
  const name =
    /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ??
    'archive-export.jsonl';
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
