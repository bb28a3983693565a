import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import type { Conversation, Me } from '../../api/types.ts';
import { navigate } from '../../shared/router.tsx';
import { useToasts } from '../../shared/toasts.tsx';
import { onStreamEvent } from '../realtime/useRealtimeEvents.ts';
import { contactName } from './contact-name.ts';
import { useNotificationSettings } from './ergonomics.api.ts';
import { notificationsSupported, notifyReasonOf, playChime } from './notify.ts';

/**
 * Browser notifications (and a chime) for a new customer message in one of my conversations and
 * for a note that @mentions me, while my settings allow them. The permission is asked by the
 * banner, never here. The conversation I am looking at in a visible tab needs no notification.
 */
export function useInboxNotifications(me: Me, openConversationId: string | undefined): void {
  const { t } = useTranslation('inbox');
  const settings = useNotificationSettings();
  const queryClient = useQueryClient();
  const toasts = useToasts();
  const state = useRef({ settings: settings.data, openConversationId, t, toasts });
  state.current = { settings: settings.data, openConversationId, t, toasts };

  useEffect(
    () =>
      onStreamEvent(async ({ data }) => {
        const reason = notifyReasonOf(data, me.id);
        if (!reason) return;
        const { settings: prefs, openConversationId: openId, t: tr } = state.current;
        if (reason.kind === 'mention') void queryClient.invalidateQueries({ queryKey: ['mentions'] });
        if (!prefs?.notifications) return;
        const looking = document.visibilityState === 'visible' && openId === reason.conversationId;
        if (reason.kind === 'message' && looking) return;
        let conversation: Conversation;
        try {
          conversation = await queryClient.fetchQuery({
            queryKey: ['conversation', reason.conversationId],
            queryFn: () => api<Conversation>(`/api/conversations/${reason.conversationId}`),
            staleTime: 0,
          });
        } catch {
          return;
        }
        if (reason.kind === 'message' && conversation.assignee_user_id !== me.id) return;
        const name = contactName(conversation.contact);
        const title =
          reason.kind === 'mention'
            ? tr('notifications.mentionTitle', { name })
            : tr('notifications.messageTitle', { name });
        const body =
          reason.kind === 'mention'
            ? tr('notifications.mentionBody')
            : (conversation.last_message_preview ?? '');
        if (prefs.sound) playChime();
        if (document.visibilityState === 'visible') state.current.toasts.showSuccess(title);
        if (notificationsSupported() && Notification.permission === 'granted') {
          const shown = new Notification(title, { body, tag: `${reason.kind}:${reason.conversationId}` });
          shown.onclick = () => {
            window.focus();
            navigate(`/inbox/${reason.conversationId}`);
            shown.close();
          };
        }
      }),
    [me.id, queryClient],
  );
}
