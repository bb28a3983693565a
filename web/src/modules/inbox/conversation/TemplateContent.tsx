import { Stack, Text } from '@mantine/core';
import type { Message } from '../../../api/types.ts';
import { renderTemplate, valuesFromComponents } from '../composer/template-params.ts';
import { useNumbers, useTemplates } from '../inbox.api.ts';
import { asObj, str, typeBody } from './message-content.ts';

type TemplateContentProps = { message: Message };

/** A sent template, rendered with its parameters from the template cache when the template is known. */
export function TemplateContent({ message }: TemplateContentProps) {
  const body = typeBody('template', message.content);
  const name = str(body.name) ?? '';
  const language = str(body.language) ?? str(asObj(body.language).code) ?? '';
  const numbers = useNumbers();
  const wabaId = numbers.data?.find((n) => n.id === message.phone_number_id)?.waba_id;
  const templates = useTemplates(wabaId);
  const template = templates.data?.find((t) => t.name === name && (!language || t.language === language));
  const rendered = template ? renderTemplate(template, valuesFromComponents(body.components)) : null;
  return (
    <Stack gap={2}>
      <Text size="xs" c="dimmed">
        Template {name}
        {language ? ` (${language})` : ''}
      </Text>
      {rendered && (
        <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
          {rendered}
        </Text>
      )}
    </Stack>
  );
}
