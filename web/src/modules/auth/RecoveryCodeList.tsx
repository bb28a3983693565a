import { Button, Code, CopyButton, List, Stack } from '@mantine/core';

type RecoveryCodeListProps = { codes: readonly string[] };

/** Recovery codes as the server returned them once, with a button to copy them all. */
export function RecoveryCodeList({ codes }: RecoveryCodeListProps) {
  return (
    <Stack gap="xs">
      <List size="sm" data-testid="recovery-codes" aria-label="Recovery codes">
        {codes.map((c) => (
          <List.Item key={c}>
            <Code>{c}</Code>
          </List.Item>
        ))}
      </List>
      <CopyButton value={codes.join('\n')}>
        {({ copied, copy }) => (
          <Button size="compact-sm" variant="light" onClick={copy} w="fit-content">
            {copied ? 'Copied' : 'Copy the codes'}
          </Button>
        )}
      </CopyButton>
    </Stack>
  );
}
