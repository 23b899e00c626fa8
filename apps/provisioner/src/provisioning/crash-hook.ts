/**
 * TEST-ONLY crash hook: with SYSMANAGE_PROVISIONER_CRASH_AFTER_STEP=<step>
 * (accepted only with NODE_ENV=test or SYSMANAGE_PROVISIONER_ALLOW_CRASH_HOOK=true,
 * see worker-settings.ts) the process SIGKILLs itself right after that step
 * ran and before the next step is recorded or the message acked: exactly a
 * crash at the worst moment, so the redelivery must repeat the step.
 */
export function crashIfRequested(
  crashAfterStep: string | null,
  step: string,
  kill: () => void = killSelf,
): void {
  if (crashAfterStep === step) kill();
}

function killSelf(): void {
  process.kill(process.pid, 'SIGKILL');
}
