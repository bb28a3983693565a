#!/usr/bin/env node
// `npm test`: the whole test suite in the least wall time the machine allows.
//   1. the unit and integration tests (`vitest.config.ts`, several workers: they use the cores), then
//      alone the isolated suites (`*.isolated.test.ts`: several hub processes killed or cut off);
//   2. then the browser tests (`e2e/vitest.config.ts`: one hub and one Chromium at a time) and,
//      beside them, the slow suites (`*.slow.test.ts`: long real-time runs such as a
//      10,000-recipient campaign paced at 20 messages/s, which mostly wait), in their own Vitest;
//   3. the slow suites' output is printed when they end. The exit code is non-zero if any failed.
// (Beside the unit tests, the slow suites loaded the machine enough to fail timing-sensitive tests.)
// `COEXIST_TEST_SLOW=0` leaves the slow suites out (`npm run test:unit` / `npm run e2e` run one part).
import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const vitest = (args, stdio) =>
  spawn(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', ...args], { stdio, env: process.env });
const exitOf = (child) =>
  new Promise((resolve) => child.once('close', (code, signal) => resolve(signal ? 1 : (code ?? 1))));

const unit = await exitOf(vitest([], 'inherit'));
// Several hub processes killed and cut off mid-run: alone, so that contention does not race them.
const isolated = await exitOf(
  vitest(['--config', 'vitest.isolated.config.ts', '--passWithNoTests'], 'inherit'),
);

let slow = null;
let slowLog = null;
if (process.env.COEXIST_TEST_SLOW !== '0') {
  slowLog = join(await mkdtemp(join(tmpdir(), 'coexist-slow-')), 'slow.log');
  const out = createWriteStream(slowLog);
  const child = vitest(
    ['--config', 'vitest.slow.config.ts', '--passWithNoTests'],
    ['ignore', 'pipe', 'pipe'],
  );
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  slow = exitOf(child);
  process.stdout.write(`slow suites started in the background (output: ${slowLog})\n`);
}

const e2e = await exitOf(vitest(['--config', 'e2e/vitest.config.ts'], 'inherit'));
let slowCode = 0;
if (slow) {
  slowCode = await slow;
  process.stdout.write('\n===== slow suites =====\n');
  process.stdout.write(readFileSync(slowLog, 'utf8'));
}
const failed = [
  unit && 'unit/integration',
  isolated && 'isolated',
  e2e && 'browser',
  slowCode && 'slow',
].filter(Boolean);
if (failed.length > 0) process.stdout.write(`\nFAILED: ${failed.join(', ')}\n`);
process.exit(failed.length > 0 ? 1 : 0);
