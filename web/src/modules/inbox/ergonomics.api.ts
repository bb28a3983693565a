import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, api } from '../../api/client.ts';
import type {
  Conversation,
  Mention,
  Message,
  NotificationSettings,
  Page,
  SnoozeOptions,
} from '../../api/types.ts';

/** The snooze presets of a conversation, with their times in its number's time zone. */
export function useSnoozeOptions(conversationId: string, enabled: boolean) {
  return useQuery({
    queryKey: ['snooze-options', conversationId],
    queryFn: ({ signal }) =>
      api<SnoozeOptions>(`/api/conversations/${conversationId}/snooze-options`, { signal }),
    enabled,
    staleTime: 60_000,
  });
}

function useConversationMutation<I>(conversationId: string, run: (input: I) => Promise<Conversation>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: (conversation) => {
      queryClient.setQueryData(['conversation', conversationId], conversation);
      void queryClient.invalidateQueries({ queryKey: ['conversations'] });
    },
  });
}

/** Snoozes until a preset or a time (`until`, ISO). */
export function useSnooze(conversationId: string) {
  return useConversationMutation(conversationId, (input: { preset: string } | { until: string }) =>
    api<Conversation>(`/api/conversations/${conversationId}/snooze`, { method: 'POST', body: input }),
  );
}

/** Wakes a snoozed conversation now. */
export function useUnsnooze(conversationId: string) {
  return useConversationMutation(conversationId, () =>
    api<Conversation>(`/api/conversations/${conversationId}/snooze`, { method: 'DELETE' }),
  );
}

type MentionsPage = Page<Mention> & { unread_count: number };

/** The notes that @mentioned me, newest first, with my unseen count. */
export function useMentions() {
  return useQuery({
    queryKey: ['mentions'],
    queryFn: ({ signal }) => api<MentionsPage>('/api/me/mentions', { signal }),
  });
}

/** Marks my mentions in a conversation as seen. */
export function useMarkMentionsRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (conversationId: string) =>
      api('/api/me/mentions/read', { method: 'POST', body: { conversation_id: conversationId } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['mentions'] }),
  });
}

export function useNotificationSettings() {
  return useQuery({
    queryKey: ['notification-settings'],
    queryFn: ({ signal }) => api<NotificationSettings>('/api/me/notification-settings', { signal }),
    staleTime: 300_000,
  });
}

export function useUpdateNotificationSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (change: Partial<NotificationSettings>) =>
      api<NotificationSettings>('/api/me/notification-settings', { method: 'PATCH', body: change }),
    onSuccess: (settings) => queryClient.setQueryData(['notification-settings'], settings),
  });
}

/** Forwards a message to another conversation. */
export function useForwardMessage() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { messageId: string; conversationId: string }) =>
      api<Message>(`/api/messages/${input.messageId}/forward`, {
        method: 'POST',
        body: { conversation_id: input.conversationId },
      }),
    onSuccess: (_message, input) => {
      void queryClient.invalidateQueries({ queryKey: ['messages', input.conversationId] });
      void queryClient.invalidateQueries({ queryKey: ['conversations'] });
    },
  });
}

export type UploadedMedia = { id: string; mime_type: string; file_size: number; filename: string };

function csrfToken(): string | null {
  const match = document.cookie.split('; ').find((c) => c.startsWith('coexist_csrf='));
  return match ? decodeURIComponent(match.slice('coexist_csrf='.length)) : null;
}

/** Uploads a file to Meta for a number (`POST /api/media`, multipart); the id goes into a media send. */
export async function uploadMedia(phoneNumberId: string, file: File): Promise<UploadedMedia> {
  const form = new FormData();
  form.set('phone_number_id', phoneNumberId);
  form.set('file', file, file.name || 'pasted');
  const csrf = csrfToken();
  const response = await fetch('/api/media', {
    method: 'POST',
    body: form,
    credentials: 'same-origin',
    headers: { accept: 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) },
  });
  const body = (await response.json().catch(() => null)) as
    | (UploadedMedia & { error?: { code?: string; message?: string; details?: unknown } })
    | null;
  if (!response.ok || !body) {
    throw new ApiError(
      response.status,
      body?.error?.code ?? 'HTTP_ERROR',
      body?.error?.message ?? `The server answered ${response.status}.`,
      body?.error?.details,
    );
  }
  return body;
}

/** The kind of media message a file goes out as (WhatsApp's types). */
export function mediaTypeOf(file: File): 'image' | 'video' | 'audio' | 'document' {
  if (/^image\/(jpeg|png)$/.test(file.type)) return 'image';
  if (/^video\/(mp4|3gpp)$/.test(file.type)) return 'video';
  if (/^audio\//.test(file.type)) return 'audio';
  return 'document';
}
