import { Badge, Button, Group, PasswordInput, Stack, Switch, Textarea, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useToasts } from '../../shared/toasts.tsx';
import {
  type AiSettingsInput,
  type ApiAiSettings,
  useAiSettings,
  useSaveAiSettings,
} from './automation.api.ts';
import { ErrorDetails } from './ErrorDetails.tsx';
import { PerNumberSettings } from './PerNumberSettings.tsx';

/**
 * A number's AI reply provider (`PUT /api/ai-settings/:numberId`, owners and admins): on or off (off
 * by default), an OpenAI-compatible base URL and model, the key (write-only: the hub stores it
 * encrypted and only says whether one is set), and instructions for every AI step of the number.
 */
function AiForm({ saved }: { saved: ApiAiSettings }) {
  const { t } = useTranslation('automation');
  const [enabled, setEnabled] = useState(saved.enabled);
  const [baseUrl, setBaseUrl] = useState(saved.base_url);
  const [model, setModel] = useState(saved.model);
  const [instructions, setInstructions] = useState(saved.instructions);
  const [key, setKey] = useState('');
  const save = useSaveAiSettings(saved.phone_number_id);
  const toasts = useToasts();
  const submit = (extra: AiSettingsInput = {}) =>
    save.mutate(
      {
        enabled,
        ...(baseUrl.trim() ? { base_url: baseUrl.trim() } : {}),
        ...(model.trim() ? { model: model.trim() } : {}),
        instructions,
        ...(key ? { api_key: key } : {}),
        ...extra,
      },
      {
        onSuccess: () => {
          setKey('');
          toasts.showSuccess(t('ai.saved'));
        },
      },
    );
  return (
    <Stack gap="sm" data-testid="ai-settings">
      <Switch
        label={t('ai.enabled')}
        description={t('ai.enabledHint')}
        checked={enabled}
        onChange={(e) => setEnabled(e.currentTarget.checked)}
      />
      <TextInput
        label={t('ai.baseUrl')}
        description={t('ai.baseUrlHint')}
        placeholder="https://api.openai.com/v1"
        value={baseUrl}
        onChange={(e) => setBaseUrl(e.currentTarget.value)}
        w={420}
      />
      <TextInput
        label={t('ai.model')}
        placeholder={t('ai.modelPlaceholder')}
        value={model}
        onChange={(e) => setModel(e.currentTarget.value)}
        w={260}
      />
      <Group gap="xs" align="flex-end">
        <PasswordInput
          label={t('ai.apiKey')}
          description={t('ai.apiKeyHint')}
          placeholder={saved.has_api_key ? t('ai.apiKeyKept') : ''}
          value={key}
          onChange={(e) => setKey(e.currentTarget.value)}
          autoComplete="off"
          w={420}
        />
        <Badge variant="light" color={saved.has_api_key ? 'teal' : 'gray'} data-testid="ai-key-state" mb={6}>
          {saved.has_api_key ? t('ai.keySet') : t('ai.noKey')}
        </Badge>
        {saved.has_api_key && (
          <Button
            variant="subtle"
            color="red"
            size="compact-sm"
            mb={4}
            onClick={() => submit({ api_key: null })}
          >
            {t('ai.removeKey')}
          </Button>
        )}
      </Group>
      <Textarea
        label={t('ai.instructions')}
        description={t('ai.instructionsHint')}
        autosize
        minRows={3}
        value={instructions}
        onChange={(e) => setInstructions(e.currentTarget.value)}
        w={560}
      />
      {save.error && <ErrorDetails error={save.error} title={t('ai.notSaved')} />}
      <Group gap="xs">
        <Button loading={save.isPending} onClick={() => submit()}>
          {t('ai.save')}
        </Button>
      </Group>
    </Stack>
  );
}

/** The AI reply settings of the number picked (the first one at first). */
export function AiSettings() {
  const { t } = useTranslation('automation');
  return (
    <PerNumberSettings
      texts={{
        intro: t('ai.intro'),
        number: t('ai.number'),
        noNumber: t('ai.noNumber'),
        loading: t('ai.loading'),
      }}
      useSettings={useAiSettings}
    >
      {(saved, phoneNumberId) => (
        <AiForm key={`${phoneNumberId}:${saved.updated_at ?? 'none'}`} saved={saved} />
      )}
    </PerNumberSettings>
  );
}
