// Module boundaries (STYLE.md "Boundaries"). Direction: cli -> flows -> modules -> platform -> kernel.
// A module is a closed box: other code imports it only through its index.ts.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'kernel-is-the-bottom',
      comment: 'kernel depends on nothing else of ours',
      severity: 'error',
      from: { path: '^src/kernel/' },
      to: { path: '^src/(platform|modules|flows|cli)/' },
    },
    {
      name: 'platform-below-modules',
      severity: 'error',
      from: { path: '^src/platform/' },
      to: { path: '^src/(modules|flows|cli)/' },
    },
    {
      name: 'modules-below-flows-and-cli',
      severity: 'error',
      from: { path: '^src/modules/' },
      to: { path: '^src/(flows|cli)/' },
    },
    {
      name: 'module-through-index-only',
      comment: 'another module may be imported only through its index.ts',
      severity: 'error',
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/([^/]+)/', pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/index\\.ts$'] },
    },
    {
      name: 'outside-modules-through-index-only',
      severity: 'error',
      from: { path: '^src/(flows/|cli/|app\\.ts|modules\\.ts)', pathNot: '\\.test\\.ts$' },
      to: { path: '^src/modules/[^/]+/', pathNot: '^src/modules/[^/]+/index\\.ts$' },
    },
    {
      name: 'kernel-and-platform-through-index-only',
      severity: 'error',
      from: { path: '^src/(modules|flows|cli)/' },
      to: { path: '^src/(kernel|platform)/', pathNot: ['^src/(kernel|platform)/index\\.ts$', '^src/(kernel|platform)/[^/]+/index\\.ts$'] },
    },
    { name: 'no-test-imports-in-src', severity: 'error', from: { path: '^src/', pathNot: '\\.test\\.ts$' }, to: { path: '(\\.test\\.ts$|^test/)' } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '(^web/|node_modules)' },
  },
};
