import { Box, Divider, Group, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Template } from './templates.api.ts';

type Component = Template['components'][number];
type Button = { type: string; text?: string; url?: string; phone_number?: string };

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
    const value = /^\d+$/.test(key)
      ? positional[Number(key) - 1]
      : named.find((p) => p.param_name === key)?.example;
    return value ? value : m;
  });
}

/**
 * WhatsApp's marks in a text: *bold*, _italic_, ~strike~ and ```mono```. A variable left unfilled
 * (`{{first_name}}`) is one token, so the underscores of its name are not taken for italics.
 */
function Formatted({ text }: { text: string }) {
  const parts = text.split(/(\{\{[^}]*\}\}|\*[^*\n]+\*|_[^_\n]+_|~[^~\n]+~|```[^`]+```)/g);
  return (
    <>
      {parts.map((p, i) => {
        const key = `${i}-${p}`;
        if (/^\*[^*]+\*$/.test(p)) return <strong key={key}>{p.slice(1, -1)}</strong>;
        if (/^_[^_]+_$/.test(p)) return <em key={key}>{p.slice(1, -1)}</em>;
        if (/^~[^~]+~$/.test(p)) return <s key={key}>{p.slice(1, -1)}</s>;
        if (/^```[^`]+```$/.test(p))
          return (
            <code key={key} style={{ fontFamily: 'monospace' }}>
              {p.slice(3, -3)}
            </code>
          );
        return <span key={key}>{p}</span>;
      })}
    </>
  );
}

const ICON: Record<string, string> = {
  URL: '↗',
  PHONE_NUMBER: '✆',
  COPY_CODE: '⧉',
  QUICK_REPLY: '↩',
  OTP: '⧉',
};

/** An OTP button as WhatsApp shows it: one-tap reads its autofill label (copy code is the fallback). */
function otpLabel(b: Button): string | undefined {
  const otp = b as Button & { otp_type?: string; autofill_text?: string };
  return otp.otp_type === 'ONE_TAP' ? (otp.autofill_text ?? 'Autofill') : b.text;
}
const MEDIA_ICON: Record<string, string> = { IMAGE: '▣', VIDEO: '▶', DOCUMENT: '▤' };

function MediaHeader({ format, url }: { format: string; url: string | undefined }) {
  const { t } = useTranslation('templates');
  if (format === 'IMAGE' && url)
    return (
      <img
        src={url}
        alt={t('preview.headerImage')}
        style={{ width: '100%', maxHeight: 160, objectFit: 'cover', borderRadius: 6 }}
      />
    );
  return (
    <Box
      data-testid="template-preview-media"
      style={{ background: '#cfd8dc', height: 120, borderRadius: 6, display: 'grid', placeItems: 'center' }}
    >
      <Stack gap={0} align="center">
        <Text size="xl" c="gray.7" aria-hidden>
          {MEDIA_ICON[format] ?? '▢'}
        </Text>
        <Text size="xs" c="gray.7">
          {t(`header.kinds.${format}`)}
        </Text>
      </Stack>
    </Box>
  );
}

/**
 * A template as a WhatsApp chat bubble: header (text, or the media's sample), body with its example
 * values and WhatsApp's formatting, footer, the time, then its buttons as WhatsApp lays them out.
 */
export function TemplatePreview({ template }: { template: Pick<Template, 'components'> }) {
  const { t } = useTranslation('templates');
  const by = (type: string) => template.components.find((c) => c.type.toUpperCase() === type);
  const header = by('HEADER');
  const body = by('BODY');
  const footer = by('FOOTER');
  const buttons = (by('BUTTONS')?.buttons ?? []) as Button[];
  const format = header ? String(header.format ?? 'TEXT').toUpperCase() : null;
  const previewUrl = (header?.example as { preview_url?: string } | undefined)?.preview_url;
  // WhatsApp shows at most three buttons; more fold into "See all options".
  const shown = buttons.length > 3 ? buttons.slice(0, 2) : buttons;
  return (
    <Box
      data-testid="template-preview"
      style={{ background: '#e5ddd5', padding: 12, borderRadius: 8, maxWidth: 340 }}
    >
      <Box
        style={{
          background: '#fff',
          borderRadius: 8,
          padding: '6px 8px 4px',
          boxShadow: '0 1px 1px rgba(0,0,0,.15)',
        }}
      >
        <Stack gap={4}>
          {format === 'TEXT' && header?.text && (
            <Text fw={700} size="sm" c="dark">
              {withExamples(header.text, header)}
            </Text>
          )}
          {format && format !== 'TEXT' && <MediaHeader format={format} url={previewUrl} />}
          {body?.text && (
            <Text size="sm" c="dark" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
              <Formatted text={withExamples(body.text, body)} />
            </Text>
          )}
          <Group justify="space-between" gap="xs" wrap="nowrap">
            <Text size="xs" c="gray.7">
              {footer?.text ?? ''}
            </Text>
            <Text size="xs" c="gray.7" style={{ flexShrink: 0 }}>
              12:00
            </Text>
          </Group>
        </Stack>
      </Box>
      {shown.length > 0 && (
        <Stack gap={2} mt={2}>
          {shown.map((b, i) => (
            <Box
              // biome-ignore lint/suspicious/noArrayIndexKey: two buttons may read the same; their order is Meta's index.
              key={`${b.type}-${b.text ?? ''}-${i}`}
              style={{ background: '#fff', borderRadius: 8, boxShadow: '0 1px 1px rgba(0,0,0,.15)' }}
            >
              <Text ta="center" size="sm" c="#027eb5" py={6} data-testid="template-preview-button">
                {ICON[b.type] ?? ''}{' '}
                {b.type === 'COPY_CODE'
                  ? t('buttons.copyCodeLabel')
                  : ((b.type === 'OTP' ? otpLabel(b) : b.text) ?? b.type)}
              </Text>
            </Box>
          ))}
          {buttons.length > 3 && (
            <Box style={{ background: '#fff', borderRadius: 8 }}>
              <Divider />
              <Text ta="center" size="sm" c="#027eb5" py={6}>
                ☰ {t('preview.allOptions')}
              </Text>
            </Box>
          )}
        </Stack>
      )}
    </Box>
  );
}
