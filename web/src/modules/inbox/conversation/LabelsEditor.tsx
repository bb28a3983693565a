import { TagsInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Conversation } from '../../../api/types.ts';
import { useToasts } from '../../../shared/toasts.tsx';
import { useCreateLabel, useLabels, useUpdateConversation } from '../inbox.api.ts';

type LabelsEditorProps = { conversation: Conversation };

/** Labels as tags: pick or type a name and press Enter (a new name creates the label), Backspace removes. */
export function LabelsEditor({ conversation }: LabelsEditorProps) {
  const { t } = useTranslation('inbox');
  const labels = useLabels();
  const createLabel = useCreateLabel();
  const update = useUpdateConversation(conversation.id);
  const toasts = useToasts();
  const current = conversation.labels ?? [];

  const handleChange = async (names: string[]) => {
    try {
      const known = new Map((labels.data ?? []).map((l) => [l.name.toLowerCase(), l.id]));
      const ids: string[] = [];
      for (const name of names) {
        const clean = name.trim();
        if (!clean) continue;
        const id = known.get(clean.toLowerCase()) ?? (await createLabel.mutateAsync({ name: clean })).id;
        if (!ids.includes(id)) ids.push(id);
      }
      await update.mutateAsync({ labels: ids });
    } catch (error) {
      toasts.showError(error);
    }
  };

  return (
    <TagsInput
      size="xs"
      aria-label={t('labels.label')}
      placeholder={current.length ? '' : t('labels.add')}
      data={(labels.data ?? []).map((l) => l.name)}
      value={current.map((l) => l.name)}
      onChange={handleChange}
      clearable={false}
      style={{ flex: 1, minWidth: 160 }}
    />
  );
}
