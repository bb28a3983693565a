import { ActionIcon, Button, Card, Group, Menu, Stack, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { FormButton } from './template-form.ts';

type ButtonsEditorProps = {
  buttons: FormButton[];
  onChange: (buttons: FormButton[]) => void;
};

const NEW: Record<FormButton['type'], FormButton> = {
  QUICK_REPLY: { type: 'QUICK_REPLY', text: '' },
  URL: { type: 'URL', text: '', url: 'https://', example: '' },
  PHONE_NUMBER: { type: 'PHONE_NUMBER', text: '', phone_number: '+' },
  COPY_CODE: { type: 'COPY_CODE', example: '' },
};

/** The template's buttons: quick replies, a URL (with one variable at its end), a phone number, a copy code. */
export function ButtonsEditor({ buttons, onChange }: ButtonsEditorProps) {
  const { t } = useTranslation('templates');
  const set = (i: number, patch: Partial<FormButton>) =>
    onChange(buttons.map((b, j) => (j === i ? ({ ...b, ...patch } as FormButton) : b)));
  const remove = (i: number) => onChange(buttons.filter((_, j) => j !== i));
  const count = (type: FormButton['type']) => buttons.filter((b) => b.type === type).length;
  const limit: Record<FormButton['type'], number> = {
    QUICK_REPLY: 10,
    URL: 2,
    PHONE_NUMBER: 1,
    COPY_CODE: 1,
  };
  return (
    <Stack gap="xs">
      <Group justify="space-between">
        <Text size="sm" fw={500}>
          {t('buttons.title')}
        </Text>
        <Menu>
          <Menu.Target>
            <Button size="xs" variant="light" disabled={buttons.length >= 10}>
              {t('buttons.add')}
            </Button>
          </Menu.Target>
          <Menu.Dropdown>
            {(Object.keys(NEW) as FormButton['type'][]).map((type) => (
              <Menu.Item
                key={type}
                disabled={count(type) >= limit[type]}
                onClick={() => onChange([...buttons, NEW[type]])}
              >
                {t(`buttons.kinds.${type}`)}
              </Menu.Item>
            ))}
          </Menu.Dropdown>
        </Menu>
      </Group>
      {buttons.map((b, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a button is its position (Meta's index); rows never reorder.
        <Card key={`${b.type}-${i}`} withBorder padding="xs" data-testid={`button-row-${i}`}>
          <Group align="flex-end" wrap="nowrap" gap="xs">
            <Text size="xs" c="dimmed" w={90}>
              {t(`buttons.kinds.${b.type}`)}
            </Text>
            {b.type !== 'COPY_CODE' && (
              <TextInput
                size="xs"
                label={t('buttons.text')}
                maxLength={25}
                value={b.text}
                onChange={(e) => set(i, { text: e.currentTarget.value })}
                style={{ flex: 1 }}
              />
            )}
            {b.type === 'URL' && (
              <>
                <TextInput
                  size="xs"
                  label={t('buttons.url')}
                  description={t('buttons.urlHint', { variable: '{{1}}' })}
                  value={b.url}
                  onChange={(e) => set(i, { url: e.currentTarget.value })}
                  style={{ flex: 2 }}
                />
                <TextInput
                  size="xs"
                  label={t('buttons.urlExample')}
                  value={b.example}
                  onChange={(e) => set(i, { example: e.currentTarget.value })}
                  style={{ flex: 1 }}
                />
              </>
            )}
            {b.type === 'PHONE_NUMBER' && (
              <TextInput
                size="xs"
                label={t('buttons.phone')}
                value={b.phone_number}
                onChange={(e) => set(i, { phone_number: e.currentTarget.value })}
                style={{ flex: 1 }}
              />
            )}
            {b.type === 'COPY_CODE' && (
              <TextInput
                size="xs"
                label={t('buttons.codeExample')}
                maxLength={15}
                value={b.example}
                onChange={(e) => set(i, { example: e.currentTarget.value })}
                style={{ flex: 1 }}
              />
            )}
            <ActionIcon
              variant="subtle"
              color="red"
              aria-label={t('buttons.remove')}
              onClick={() => remove(i)}
            >
              ×
            </ActionIcon>
          </Group>
        </Card>
      ))}
    </Stack>
  );
}
