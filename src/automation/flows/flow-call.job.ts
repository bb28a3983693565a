/**
 * The job of a flow's HTTP and AI steps (`automation.flow-call`), listed in `src/hub.ts`. It is
 * defined beside the runner (`runner.ts`), which enqueues it and whose `step` it calls, so the two
 * need no import cycle.
 */
export { flowCallJob } from './runner.ts';
