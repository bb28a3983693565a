import { Anchor, Button, Card, Code, Radio, Select, Stack, Text, Textarea, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/client.ts';
import { locale } from '../../shared/format.ts';
import { useNumbers } from '../inbox/inbox.api.ts';
import { useConsentSettings, useSaveConsentSettings } from './consent.api.ts';

const lines = (s: string) =>
  s
    .split('\n')
    .map((x) => x.trim())
    .filter(Boolean);

/** A number's consent settings: the marketing policy, the keywords, the confirmations, the page. */
export function ConsentSettingsPanel({ canEdit }: { canEdit: boolean }) {
  const { t } = useTranslation('consent');
  const numbers = useNumbers();
  const [numberId, setNumberId] = useState<string | null>(null);
  const chosen = numberId ?? numbers.data?.[0]?.id ?? null;
  const settings = useConsentSettings(chosen);
  const save = useSaveConsentSettings(chosen ?? '');
  const [policy, setPolicy] = useState('opt_in_required');
  const [optOut, setOptOut] = useState('');
  const [optIn, setOptIn] = useState('');
  const [optOutReply, setOptOutReply] = useState('');
  const [optInReply, setOptInReply] = useState('');
  const s = settings.data;
  useEffect(() => {
    if (!s) return;
    setPolicy(s.policy);
    setOptOut(s.opt_out_keywords.join('\n'));
    setOptIn(s.opt_in_keywords.join('\n'));
    setOptOutReply(s.opt_out_reply ?? '');
    setOptInReply(s.opt_in_reply ?? '');
  }, [s]);

  return (
    <Card withBorder padding="md" maw={760}>
      <Stack gap="sm">
        <Title order={4}>{t('settings.title')}</Title>
        <Select
          label={t('settings.number')}
          value={chosen}
          onChange={setNumberId}
          data={(numbers.data ?? []).map((n) => ({
            value: n.id,
            label: `${n.verified_name ?? ''} ${n.display_phone_number}`,
          }))}
        />
        {s && (
          <>
            <Radio.Group label={t('settings.policy')} value={policy} onChange={setPolicy}>
              <Stack gap={4} mt={4}>
                <Radio value="opt_in_required" label={t('settings.optInRequired')} disabled={!canEdit} />
                <Radio value="not_opted_out" label={t('settings.notOptedOut')} disabled={!canEdit} />
              </Stack>
            </Radio.Group>
            <Textarea
              label={t('settings.optOutKeywords')}
              value={optOut}
              onChange={(e) => setOptOut(e.currentTarget.value)}
              autosize
              minRows={3}
              maxRows={8}
              disabled={!canEdit}
            />
            <Textarea
              label={t('settings.optInKeywords')}
              value={optIn}
              onChange={(e) => setOptIn(e.currentTarget.value)}
              autosize
              minRows={2}
              maxRows={6}
              disabled={!canEdit}
            />
            <Textarea
              label={t('settings.optOutReply')}
              description={t('settings.replyDefault')}
              value={optOutReply}
              onChange={(e) => setOptOutReply(e.currentTarget.value)}
              disabled={!canEdit}
            />
            <Textarea
              label={t('settings.optInReply')}
              description={t('settings.replyDefault')}
              value={optInReply}
              onChange={(e) => setOptInReply(e.currentTarget.value)}
              disabled={!canEdit}
            />
            <Text size="sm">
              {t('settings.page')}{' '}
              <Anchor href={s.page_path} target="_blank">
                {s.page_path}
              </Anchor>{' '}
              {t('settings.embed')}{' '}
              <Code>{`<iframe src="${window.location.origin}${s.page_path}" width="420" height="360"></iframe>`}</Code>
            </Text>
            <Text size="xs" c="dimmed">
              {t('settings.defaults', {
                languages: new Intl.ListFormat(locale(), { type: 'conjunction' }).format(
                  s.defaults.map((d) => d.label),
                ),
              })}
            </Text>
            {save.error && (
              <Text c="red" size="sm">
                {errorMessage(save.error)}
              </Text>
            )}
            {canEdit && (
              <Button
                w="fit-content"
                loading={save.isPending}
                onClick={() =>
                  save.mutate({
                    policy,
                    opt_out_keywords: lines(optOut),
                    opt_in_keywords: lines(optIn),
                    opt_out_reply: optOutReply.trim() || null,
                    opt_in_reply: optInReply.trim() || null,
                  })
                }
              >
                {t('common:actions.save')}
              </Button>
            )}
          </>
        )}
      </Stack>
    </Card>
  );
}
