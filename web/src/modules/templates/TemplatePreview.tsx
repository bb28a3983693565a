import { Box, Divider, Stack, Text } from '@mantine/core';
import type { Template } from './templates.api.ts';

type Component = Template['components'][number];

/** Fills `{{x}}` with the template's example values, the way WhatsApp shows a sample. */
function withExamples(text: string, c: Component): string {
  const ex = (c.example ?? {}) as Record<string, unknown>;
  const positional =
    (ex.body_text as string[][] | undefined)?.[0] ?? (ex.header_text as string[] | undefined) ?? [];
  const named =
    ((ex.body_text_named_params ?? ex.header_text_named_params) as
      | { param_name: string; example: string }[]
      | undefined) ?? [];
  return text.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (m, key: string) => {
    if (/^\d+$/.test(key)) return positional[Number(key) - 1] ?? m;
    return named.find((p) => p.param_name === key)?.example ?? m;
  });
}

/** A template as a WhatsApp chat bubble: header, body, footer, then its buttons. */
export function TemplatePreview({ template }: { template: Pick<Template, 'components'> }) {
  const by = (type: string) => template.components.find((c) => c.type.toUpperCase() === type);
  const header = by('HEADER');
  const body = by('BODY');
  const footer = by('FOOTER');
  const buttons = (by('BUTTONS')?.buttons ?? []) as { type: string; text?: string }[];
  return (
    <Box
      data-testid="template-preview"
      style={{ background: '#e5ddd5', padding: 12, borderRadius: 8, maxWidth: 340 }}
    >
      <Box
        style={{
          background: '#fff',
          borderRadius: 8,
          padding: '8px 10px',
          boxShadow: '0 1px 1px rgba(0,0,0,.15)',
        }}
      >
        <Stack gap={4}>
          {header && String(header.format ?? 'TEXT').toUpperCase() === 'TEXT' && header.text && (
            <Text fw={700} size="sm" c="dark">
              {withExamples(header.text, header)}
            </Text>
          )}
          {header && String(header.format ?? 'TEXT').toUpperCase() !== 'TEXT' && (
            <Box
              style={{
                background: '#cfd8dc',
                height: 120,
                borderRadius: 6,
                display: 'grid',
                placeItems: 'center',
              }}
            >
              <Text size="xs" c="dark">
                {String(header.format).toLowerCase()}
              </Text>
            </Box>
          )}
          {body?.text && (
            <Text size="sm" c="dark" style={{ whiteSpace: 'pre-wrap' }}>
              {withExamples(body.text, body)}
            </Text>
          )}
          {footer?.text && (
            <Text size="xs" c="gray.6">
              {footer.text}
            </Text>
          )}
        </Stack>
        {buttons.length > 0 && (
          <Stack gap={0} mt={6}>
            {buttons.map((b) => (
              <Box key={`${b.type}-${b.text ?? ''}`}>
                <Divider />
                <Text ta="center" size="sm" c="#00a5f4" py={6}>
                  {b.type === 'COPY_CODE' ? 'Copy code' : (b.text ?? b.type)}
                </Text>
              </Box>
            ))}
          </Stack>
        )}
      </Box>
    </Box>
  );
}
