import { Badge, Box, Button, Group, Paper, ScrollArea, Stack, Text, TextInput } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/client.ts';
import { type DryRunEffect, dryRun, type FlowDefinition, type SessionPosition } from './automation.api.ts';

let lineKey = 0;

type Line = { key?: number } & (
  | { who: 'bot'; text: string; buttons?: { id: string; title: string }[] }
  | { who: 'you'; text: string }
  | { who: 'info'; text: string }
);

function linesOf(effects: DryRunEffect[], t: TFunction<'automation'>): Line[] {
  return effects.flatMap((e): Line[] => {
    if (e.kind === 'send') {
      const c = e.content as {
        type: string;
        text?: { body: string };
        interactive?: {
          body?: { text?: string };
          action?: { buttons?: { reply: { id: string; title: string } }[] };
        };
      };
      if (c.type === 'text') return [{ who: 'bot', text: c.text?.body ?? '' }];
      if (c.type === 'interactive') {
        return [
          {
            who: 'bot',
            text: c.interactive?.body?.text ?? '',
            buttons: (c.interactive?.action?.buttons ?? []).map((b) => b.reply),
          },
        ];
      }
      return [{ who: 'bot', text: `[${c.type}]` }];
    }
    if (e.kind === 'set_attributes')
      return [
        {
          who: 'info',
          text: t('test.saved', {
            attributes: Object.entries(e.attributes ?? {})
              .map(([k, v]) => `${k} = ${String(v)}`)
              .join(', '),
          }),
        },
      ];
    if (e.kind === 'handoff') return [{ who: 'info', text: t('test.handoff', { note: e.note ?? '' }) }];
    if (e.kind === 'log') return [{ who: 'info', text: e.text ?? '' }];
    return [];
  });
}

/** Chats with the flow in the browser through the dry run: nothing is sent, saved or routed. */
export function TestPanel({
  definition,
  phoneNumberId,
}: {
  definition: FlowDefinition;
  phoneNumberId: string | null;
}) {
  const { t } = useTranslation('automation');
  const [lines, setLines] = useState<Line[]>([]);
  const [position, setPosition] = useState<SessionPosition | null>(null);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);

  const run = async (
    input: { kind: 'start' } | { kind: 'message'; text: string; reply_id?: string | null },
    fresh = false,
  ) => {
    setBusy(true);
    try {
      const result = await dryRun({
        definition,
        phone_number_id: phoneNumberId,
        position: fresh ? null : position,
        input,
      });
      setPosition(result.position);
      const added: Line[] = [
        ...(input.kind === 'message' ? [{ who: 'you' as const, text: input.text }] : []),
        ...linesOf(result.effects, t),
        ...(result.position.status !== 'active'
          ? [{ who: 'info' as const, text: t(`test.ended.${result.position.status}`) }]
          : []),
      ].map((line) => ({ ...line, key: ++lineKey }));
      setLines((l) => [...(fresh ? [] : l), ...added]);
    } catch (error) {
      setLines((l) => [
        ...l,
        { who: 'info', text: t('test.error', { message: errorMessage(error) }), key: ++lineKey },
      ]);
    } finally {
      setBusy(false);
    }
  };

  const send = () => {
    if (!text.trim()) return;
    void run({ kind: 'message', text: text.trim() });
    setText('');
  };

  return (
    <Paper withBorder p="sm" data-testid="test-panel">
      <Group justify="space-between" mb="xs">
        <Text fw={600} size="sm">
          {t('test.title')}
        </Text>
        <Button
          size="compact-xs"
          variant="light"
          onClick={() => void run({ kind: 'start' }, true)}
          loading={busy}
        >
          {lines.length ? t('test.restart') : t('test.start')}
        </Button>
      </Group>
      <ScrollArea h={220} type="auto">
        <Stack gap={6} data-testid="test-transcript">
          {lines.length === 0 && (
            <Text size="xs" c="dimmed">
              {t('test.intro')}
            </Text>
          )}
          {lines.map((line) =>
            line.who === 'info' ? (
              <Text key={line.key} size="xs" c="dimmed" ta="center" data-testid="test-info">
                {line.text}
              </Text>
            ) : (
              <Box
                key={line.key}
                style={{ alignSelf: line.who === 'you' ? 'flex-end' : 'flex-start', maxWidth: '85%' }}
              >
                <Paper
                  p={6}
                  radius="md"
                  bg={
                    line.who === 'you'
                      ? 'var(--mantine-color-green-light)'
                      : 'var(--mantine-color-default-hover)'
                  }
                  data-testid={line.who === 'you' ? 'test-you' : 'test-bot'}
                >
                  <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                    {line.text}
                  </Text>
                </Paper>
                {line.who === 'bot' && line.buttons && line.buttons.length > 0 && (
                  <Group gap={4} mt={4}>
                    {line.buttons.map((b) => (
                      <Badge
                        key={b.id}
                        component="button"
                        variant="outline"
                        style={{ cursor: 'pointer' }}
                        onClick={() => void run({ kind: 'message', text: b.title, reply_id: b.id })}
                      >
                        {b.title}
                      </Badge>
                    ))}
                  </Group>
                )}
              </Box>
            ),
          )}
        </Stack>
      </ScrollArea>
      <Group gap="xs" mt="xs" wrap="nowrap">
        <TextInput
          aria-label={t('test.message')}
          placeholder={t('test.messagePlaceholder')}
          size="xs"
          style={{ flex: 1 }}
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          onKeyDown={(e) => e.key === 'Enter' && send()}
          disabled={position?.status !== 'active'}
        />
        <Button size="compact-sm" onClick={send} disabled={position?.status !== 'active'} loading={busy}>
          {t('test.send')}
        </Button>
      </Group>
    </Paper>
  );
}
