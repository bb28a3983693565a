import { Alert, Anchor, Box, Button, Group, Stack, Stepper, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/client.ts';
import { Link, navigate, useLocation } from '../../shared/router.tsx';
import { ConnectionProgress } from './ConnectionProgress.tsx';
import { EligibilityStep } from './EligibilityStep.tsx';
import { runEmbeddedSignup } from './facebook-login.ts';
import {
  type EligibilityAnswers,
  type StartedOnboarding,
  useCompleteSignup,
  useOnboarding,
  useOnboardingConfig,
  useStartOnboarding,
} from './onboarding.api.ts';

/**
 * "Connect a WhatsApp Business app number": eligibility, then Meta's Embedded Signup in a popup
 * (Facebook Login for Business, Business App onboarding), then the connection and the one-time
 * syncs as they happen. The onboarding's id stays in the address (`?session=`), so a reload resumes.
 */
export function OnboardingPage() {
  const { t } = useTranslation('onboarding');
  const { search } = useLocation();
  const sessionId = search.get('session');
  const config = useOnboardingConfig();
  const start = useStartOnboarding();
  const complete = useCompleteSignup();
  const onboarding = useOnboarding(sessionId);
  const [started, setStarted] = useState<StartedOnboarding | null>(null);
  const [popupError, setPopupError] = useState<string | null>(null);
  const [waiting, setWaiting] = useState(false);
  const active = sessionId ? 2 : started ? 1 : 0;

  const handleEligible = (answers: EligibilityAnswers) => {
    start.mutate(answers, { onSuccess: (s) => setStarted(s) });
  };
  const handleSignup = async () => {
    if (!started) return;
    setPopupError(null);
    setWaiting(true);
    try {
      const result = await runEmbeddedSignup(started.launch);
      if (result.kind === 'cancelled') {
        setPopupError(result.step ? t('signup.closedAtStep', { step: result.step }) : t('signup.closed'));
        return;
      }
      if (result.kind === 'error') {
        setPopupError(t('signup.refused', { message: result.message }));
        return;
      }
      navigate(`/connect-number?session=${started.id}`, { replace: true });
      complete.mutate({
        sessionId: started.id,
        code: result.code,
        wabaId: result.wabaId,
        phoneNumberId: result.phoneNumberId,
      });
    } catch (error) {
      setPopupError(errorMessage(error));
    } finally {
      setWaiting(false);
    }
  };

  return (
    <Box h="100%" style={{ overflowY: 'auto' }} p="md">
      <Group justify="space-between" mb="sm">
        <Title order={3}>{t('title')}</Title>
        <Anchor component={Link} to="/settings/numbers" size="sm">
          {t('backToNumbers')}
        </Anchor>
      </Group>
      {config.data && !config.data.configured && (
        <Alert color="orange" mb="md" title={t('notConfigured.title')}>
          {t('notConfigured.text')}
        </Alert>
      )}
      <Stepper active={active} allowNextStepsSelect={false} size="sm">
        <Stepper.Step label={t('stepper.eligibility')} description={t('stepper.eligibilityHint')}>
          <EligibilityStep
            minAppVersion={config.data?.min_app_version ?? '2.24.17'}
            onEligible={handleEligible}
          />
          {start.isError && (
            <Alert color="red" mt="sm">
              {errorMessage(start.error)}
            </Alert>
          )}
        </Stepper.Step>
        <Stepper.Step label={t('stepper.facebook')} description={t('stepper.facebookHint')}>
          <Stack gap="sm" maw={560}>
            <Text size="sm">{t('signup.explanation')}</Text>
            <Group>
              <Button onClick={handleSignup} loading={waiting}>
                {t('signup.continue')}
              </Button>
            </Group>
            {popupError && (
              <Alert color="red" data-testid="signup-error">
                {popupError}
              </Alert>
            )}
          </Stack>
        </Stepper.Step>
        <Stepper.Step label={t('stepper.connect')} description={t('stepper.connectHint')}>
          {complete.isPending && <Text size="sm">{t('connecting')}</Text>}
          {complete.isError && <Alert color="red">{errorMessage(complete.error)}</Alert>}
          {onboarding.data && onboarding.data.state !== 'signup' && (
            <ConnectionProgress view={onboarding.data} />
          )}
        </Stepper.Step>
      </Stepper>
    </Box>
  );
}
