/**
 * The dependency rule (ARCHITECTURE.md, "The dependency rule"), checked by `npm run depcheck` in CI.
 * "Tests" are `*.test.ts` files and the test helpers in `src/testing/`.
 * @type {import('dependency-cruiser').IConfiguration}
 */
const TESTS = ['\\.test\\.ts$', '\\.child\\.ts$', '^src/testing/'];

module.exports = {
  forbidden: [
    {
      name: 'sandbox-never-imports-the-hub',
      comment:
        'The sandbox is an independent emulation of Meta: it never imports the hub, the CLI or the benchmarks. ' +
        'Rules that exist on both sides are duplicated on purpose.',
      severity: 'error',
      from: { path: '^sandbox/' },
      to: { path: '^(src|cli|bench|e2e)/' },
    },
    {
      name: 'hub-never-imports-the-sandbox',
      comment:
        'The hub talks to Meta (or the sandbox) over HTTP only. src/testing/sandbox-env.ts is the one file ' +
        'of src/ that imports the sandbox; tests that need it import it from there.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/testing/sandbox-env\\.ts$' },
      to: { path: '^sandbox/' },
    },
    {
      name: 'platform-imports-no-feature',
      comment:
        'platform/ is what every feature builds on (database, HTTP, events, jobs, config); it knows no ' +
        'feature, not even by type. A feature that needs a platform hook passes it in (generics, callbacks).',
      severity: 'error',
      from: { path: '^src/platform/', pathNot: TESTS },
      to: { path: '^src/', pathNot: '^src/platform/' },
    },
    {
      name: 'production-never-imports-test-helpers',
      comment: 'src/testing/ is for tests; the running hub must not depend on it.',
      severity: 'error',
      from: { path: '^(src|cli)/', pathNot: TESTS },
      to: { path: '^src/testing/' },
    },
    {
      name: 'features-never-import-the-composition-root',
      comment:
        'app.ts (routes) and hub.ts (workers) assemble the features; a feature importing them back is a ' +
        'cycle in disguise. Shared types live in platform/ (App, Worker).',
      severity: 'error',
      from: { path: '^src/[^/]+/', pathNot: TESTS },
      to: { path: '^src/(app|hub)\\.ts$' },
    },
    {
      name: 'no-cycle-across-features',
      comment:
        'A cycle between two features (or a feature and platform/) means one of them holds something the ' +
        'other owns: move it down or to its owner. Type-only cycles count too.',
      severity: 'error',
      from: { path: '^src/([^/]+)/', pathNot: TESTS },
      to: { circular: true, pathNot: '^src/$1/' },
    },
    {
      name: 'no-runtime-cycle',
      comment:
        'A cycle of value imports inside one folder: module initialisation order starts to matter. ' +
        'Type-only cycles inside a folder are allowed (they vanish at run time).',
      severity: 'error',
      from: { pathNot: TESTS },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['node_modules', '^web/dist/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.mjs'] },
  },
};
