import { Anchor, Box, Group, Image, Paper, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Message } from '../../../api/types.ts';
import { asObj, messagePreview, str, typeBody } from './message-content.ts';
import { TemplateContent } from './TemplateContent.tsx';

type MessageContentProps = { message: Message };

/** Where the browser can load a message's media from: only hub-served paths (Meta's URLs need a token). */
function mediaSrc(message: Message, body: Record<string, unknown>): string | null {
  const candidate =
    message.media_url ??
    str(body.hub_url) ??
    str(body.media_url) ??
    str(body.url) ??
    str(asObj(message.content).media_url);
  return candidate?.startsWith('/') ? candidate : null;
}

function MediaPreview({ message }: MessageContentProps) {
  const { t } = useTranslation('inbox');
  const body = typeBody(message.type, message.content);
  const src = mediaSrc(message, body);
  const caption = str(body.caption);
  const mime = str(body.mime_type) ?? message.type;
  let preview = (
    <Paper withBorder p="xs" radius="sm" data-testid="media-placeholder">
      <Text size="sm">{messagePreview(message.type, message.content)}</Text>
      <Text size="xs" c="dimmed">
        {mime}
        {message.history_status ? ` · ${t('content.mediaNotImported')}` : ''}
      </Text>
    </Paper>
  );
  if (src && (message.type === 'image' || message.type === 'sticker')) {
    preview = (
      <Image src={src} alt={caption ?? t('content.image')} maw={260} mah={260} fit="contain" radius="sm" />
    );
  } else if (src && message.type === 'video') {
    preview = (
      <video
        src={src}
        controls
        style={{ maxWidth: 260, borderRadius: 4 }}
        aria-label={caption ?? t('content.video')}
      >
        <track kind="captions" />
      </video>
    );
  } else if (src && message.type === 'audio') {
    preview = (
      <audio src={src} controls aria-label={t('content.audio')}>
        <track kind="captions" />
      </audio>
    );
  } else if (src && message.type === 'document') {
    preview = (
      <Anchor href={src} target="_blank" rel="noreferrer" size="sm">
        📄 {str(body.filename) ?? t('content.document')}
      </Anchor>
    );
  }
  return (
    <Stack gap={4}>
      {preview}
      {caption && message.type !== 'document' && <Text size="sm">{caption}</Text>}
    </Stack>
  );
}

function LocationContent({ message }: MessageContentProps) {
  const { t } = useTranslation('inbox');
  const body = typeBody('location', message.content);
  const lat = body.latitude;
  const lng = body.longitude;
  return (
    <Stack gap={2}>
      <Text size="sm">📍 {str(body.name) ?? t('content.location')}</Text>
      {str(body.address) && (
        <Text size="xs" c="dimmed">
          {str(body.address)}
        </Text>
      )}
      {typeof lat === 'number' && typeof lng === 'number' && (
        <Anchor
          size="xs"
          href={`https://www.openstreetmap.org/?mlat=${lat}&mlon=${lng}`}
          target="_blank"
          rel="noreferrer"
        >
          {t('content.openMap')}
        </Anchor>
      )}
    </Stack>
  );
}

/** The body of a message, whatever its type; unknown types are shown as such, never dropped. */
export function MessageContent({ message }: MessageContentProps) {
  const { t } = useTranslation('inbox');
  switch (message.type) {
    case 'text':
      return (
        <Text
          size="sm"
          style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}
          data-testid="message-text"
        >
          {messagePreview('text', message.content)}
        </Text>
      );
    case 'image':
    case 'video':
    case 'audio':
    case 'document':
    case 'sticker':
      return <MediaPreview message={message} />;
    case 'template':
      return <TemplateContent message={message} />;
    case 'location':
      return <LocationContent message={message} />;
    case 'unsupported':
    case 'unknown':
      return (
        <Box>
          <Text size="sm" fs="italic" c="dimmed">
            {t('content.unsupported')}
          </Text>
          {message.error?.code === 131060 || message.error?.code === '131060' ? (
            <Text size="xs" c="dimmed">
              {t('content.checkPhone')}
            </Text>
          ) : null}
        </Box>
      );
    default:
      return (
        <Group gap={4}>
          <Text size="sm">{messagePreview(message.type, message.content)}</Text>
        </Group>
      );
  }
}
