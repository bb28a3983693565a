// The webhook processing thread's first module: it runs the TypeScript sources through tsx, as
// bin/coexist.mjs does for the main thread (a worker thread does not inherit that registration).
import { register } from 'tsx/esm/api';

register();
await import('./webhook-thread.entry.ts');
