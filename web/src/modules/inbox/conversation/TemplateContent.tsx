import { Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Message } from '../../../api/types.ts';
import { renderTemplate, valuesFromComponents } from '../composer/template-params.ts';
import { useNumbers, useTemplates } from '../inbox.api.ts';
import { asObj, str, typeBody } from './message-content.ts';

type TemplateContentProps = { message: Message };

/** A sent template, rendered with its parameters from the template cache when the template is known. */
export function TemplateContent({ message }: TemplateContentProps) {
  const { t } = useTranslation('inbox');
  const body = typeBody('template', message.content);
  const name = str(body.name) ?? '';
  const language = str(body.language) ?? str(asObj(body.language).code) ?? '';
  const numbers = useNumbers();
  const wabaId = numbers.data?.find((n) => n.id === message.phone_number_id)?.waba_id;
  const templates = useTemplates(wabaId);
  const template = templates.data?.find(
    (tpl) => tpl.name === name && (!language || tpl.language === language),
  );
  const rendered = template ? renderTemplate(template, valuesFromComponents(body.components)) : null;
  return (
    <Stack gap={2}>
      <Text size="xs" c="dimmed">
        {language ? t('content.templateIn', { name, language }) : t('content.template', { name })}
      </Text>
      {rendered && (
        <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
          {rendered}
        </Text>
      )}
    </Stack>
  );
}
