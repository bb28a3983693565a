import {
  type InfiniteData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { useEffect } from 'react';
import { api } from '../../api/client.ts';
import type {
  Agent,
  CannedReply,
  Contact,
  Conversation,
  ConversationStatus,
  Label,
  Message,
  Note,
  Page,
  PhoneNumber,
  Team,
  Template,
} from '../../api/types.ts';

export type ConversationFilter = {
  /** `mentions`: the notes that @mentioned me instead of a list of conversations. */
  view: 'mine' | 'unassigned' | 'team' | 'all' | 'mentions';
  teamId?: string;
  label?: string;
  status?: ConversationStatus | 'any';
  q?: string;
  phoneNumberId?: string;
};

const PAGE_SIZE = 50;

/** Turns the inbox's filter into the `GET /api/conversations` query. */
export function conversationQuery(filter: ConversationFilter, meId: string) {
  return {
    status: filter.status && filter.status !== 'any' ? filter.status : undefined,
    q: filter.q?.trim() || undefined,
    label: filter.label || undefined,
    phone_number_id: filter.phoneNumberId || undefined,
    assignee: filter.view === 'mine' ? meId : filter.view === 'unassigned' ? 'none' : undefined,
    team_id: filter.view === 'team' ? filter.teamId : undefined,
  };
}

/** The conversation list, newest activity first, one cursor page at a time. */
export function useConversations(filter: ConversationFilter, meId: string) {
  const query = conversationQuery(filter, meId);
  return useInfiniteQuery({
    queryKey: ['conversations', query],
    queryFn: ({ pageParam, signal }) =>
      api<Page<Conversation>>('/api/conversations', {
        query: { ...query, cursor: pageParam, limit: PAGE_SIZE },
        signal,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

export function useConversation(id: string | undefined) {
  return useQuery({
    queryKey: ['conversation', id],
    queryFn: ({ signal }) => api<Conversation>(`/api/conversations/${id}`, { signal }),
    enabled: !!id,
  });
}

/** A conversation's messages, newest first from the API; `next_cursor` pages to older ones. */
export function useMessages(conversationId: string) {
  return useInfiniteQuery({
    queryKey: ['messages', conversationId],
    queryFn: ({ pageParam, signal }) =>
      api<Page<Message>>(`/api/conversations/${conversationId}/messages`, {
        query: { cursor: pageParam, limit: PAGE_SIZE },
        signal,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

export function flattenPages<T>(data: InfiniteData<Page<T>> | undefined): T[] {
  return data ? data.pages.flatMap((page) => page.data) : [];
}

export function useNumbers() {
  return useQuery({
    queryKey: ['numbers'],
    queryFn: async () => (await api<Page<PhoneNumber>>('/api/numbers')).data,
  });
}

/** Everyone who can hold a conversation (the directory every role may read). */
export function useAgents() {
  return useQuery({
    queryKey: ['users', 'agents'],
    queryFn: async () => (await api<Page<Agent>>('/api/agents')).data,
    staleTime: 60_000,
  });
}

const DIRECTORY_REFRESH_MS = 5_000;

/**
 * Agent names by id. A conversation assigned to someone not in the cached directory (a user added
 * since) triggers one refetch, so names appear without a reload.
 */
export function useAgentNames(ids: readonly (string | null | undefined)[]): Map<string, string> {
  const agents = useAgents();
  const names = new Map((agents.data ?? []).map((a) => [a.id, a.name]));
  const missing = ids.some((id) => id && !names.has(id));
  const { isFetching, dataUpdatedAt, refetch } = agents;
  useEffect(() => {
    if (!missing || isFetching) return;
    // A directory fetched moments ago (before the new user existed) is refetched once it is
    // old enough; nothing else would re-run this effect, so the wait is a timer.
    const wait = dataUpdatedAt + DIRECTORY_REFRESH_MS - Date.now();
    if (wait <= 0) {
      void refetch();
      return;
    }
    const timer = window.setTimeout(() => void refetch(), wait);
    return () => window.clearTimeout(timer);
  }, [missing, isFetching, dataUpdatedAt, refetch]);
  return names;
}

export function useLabels() {
  return useQuery({
    queryKey: ['labels'],
    queryFn: async () => (await api<Page<Label>>('/api/labels')).data,
    staleTime: 60_000,
  });
}

export function useCreateLabel() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; waba_id?: string | null }) =>
      api<Label>('/api/labels', { method: 'POST', body: input }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['labels'] }),
  });
}

export function useTeams() {
  return useQuery({
    queryKey: ['teams'],
    queryFn: async () => (await api<Page<Team>>('/api/teams')).data,
    staleTime: 60_000,
  });
}

export function useCannedReplies() {
  return useQuery({
    queryKey: ['canned-replies'],
    queryFn: async () => (await api<Page<CannedReply>>('/api/canned-replies')).data,
    staleTime: 60_000,
  });
}

export function useTemplates(wabaId: string | undefined) {
  return useQuery({
    queryKey: ['templates', wabaId],
    queryFn: async () => (await api<Page<Template>>('/api/templates', { query: { waba_id: wabaId } })).data,
    staleTime: 60_000,
  });
}

/** Refreshes the template cache from Meta (supervisors and up). */
export function useSyncTemplates() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (wabaId: string | undefined) =>
      api<unknown>('/api/templates/sync', { method: 'POST', body: wabaId ? { waba_id: wabaId } : {} }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['templates'] }),
  });
}

export function useContact(id: string | undefined) {
  return useQuery({
    queryKey: ['contact', id],
    queryFn: ({ signal }) => api<Contact>(`/api/contacts/${id}`, { signal }),
    enabled: !!id,
  });
}

/** The contact's other conversations, for the contact panel. */
export function useContactConversations(contact: Contact | null | undefined) {
  const contactId = contact?.id;
  return useQuery({
    queryKey: ['conversations', 'by-contact', contactId],
    queryFn: async () => {
      const page = await api<Page<Conversation>>('/api/conversations', {
        query: { contact_id: contactId, q: contact?.wa_id ?? contact?.username ?? undefined, limit: 50 },
      });
      // The search may match other contacts too: keep only this one's conversations.
      return page.data.filter((c) => c.contact_id === contactId);
    },
    enabled: !!contactId,
  });
}

export function useNotes(conversationId: string) {
  return useQuery({
    queryKey: ['notes', conversationId],
    queryFn: async () => (await api<Page<Note>>(`/api/conversations/${conversationId}/notes`)).data,
  });
}

export type ConversationPatch = {
  status?: ConversationStatus;
  assignee_user_id?: string | null;
  team_id?: string | null;
  labels?: string[];
};

/** PATCH the conversation, or `takeOver` (supervisors) to assign it to oneself from anyone. */
export function useUpdateConversation(conversationId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (patch: ConversationPatch | 'takeOver') =>
      patch === 'takeOver'
        ? api<Conversation>(`/api/conversations/${conversationId}/take-over`, { method: 'POST' })
        : api<Conversation>(`/api/conversations/${conversationId}`, { method: 'PATCH', body: patch }),
    onSuccess: (conversation) => {
      if (conversation?.id) queryClient.setQueryData(['conversation', conversationId], conversation);
      void queryClient.invalidateQueries({ queryKey: ['conversations'] });
      void queryClient.invalidateQueries({ queryKey: ['conversation', conversationId] });
      void queryClient.invalidateQueries({ queryKey: ['supervisor'] });
    },
  });
}

export function useAddNote(conversationId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { body: string; mentionUserIds?: string[] }) =>
      api<Note>(`/api/conversations/${conversationId}/notes`, {
        method: 'POST',
        body: { body: input.body, mention_user_ids: input.mentionUserIds },
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['notes', conversationId] }),
  });
}

type MediaRef = { media_id: string; caption?: string; filename?: string };

export type OutgoingMessage =
  | { type: 'text'; text: { body: string } }
  | { type: 'reaction'; reaction: { message_id: string; emoji: string } }
  | { type: 'image'; image: MediaRef }
  | { type: 'video'; video: MediaRef }
  | { type: 'audio'; audio: { media_id: string } }
  | { type: 'document'; document: MediaRef }
  | {
      type: 'template';
      template: {
        name: string;
        language: string;
        components?: {
          type: string;
          sub_type?: string;
          index?: string;
          parameters: Record<string, string>[];
        }[];
      };
    };

/** Sends through the outbox; the Idempotency-Key makes a double click or a retry harmless. */
export function useSendMessage(conversation: Pick<Conversation, 'id'>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { message: OutgoingMessage; replyTo?: string; idempotencyKey: string }) =>
      api<Message>('/api/messages', {
        method: 'POST',
        headers: { 'idempotency-key': input.idempotencyKey },
        body: { conversation_id: conversation.id, reply_to: input.replyTo, ...input.message },
      }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['messages', conversation.id] });
      void queryClient.invalidateQueries({ queryKey: ['conversations'] });
    },
  });
}

/**
 * While an agent has a conversation open, its unread messages count as seen: the hub clears the
 * count and sends Meta a read receipt for the newest one. Auditors only look, so they mark nothing.
 */
export function useMarkConversationRead(conversation: Conversation | undefined, enabled: boolean) {
  const queryClient = useQueryClient();
  const { mutate } = useMutation({
    mutationFn: (id: string) => api(`/api/conversations/${id}/read`, { method: 'POST' }),
    onSuccess: (_result, id) => {
      void queryClient.invalidateQueries({ queryKey: ['conversations'] });
      void queryClient.invalidateQueries({ queryKey: ['conversation', id] });
    },
  });
  const id = conversation?.id;
  const unread = conversation?.unread_count ?? 0;
  useEffect(() => {
    if (enabled && id && unread > 0) mutate(id);
  }, [enabled, id, unread, mutate]);
}
