// Lint for what a type checker cannot see: promises nobody awaits (a reminder that silently never
// sends), promises handed where a callback is expected, and Node built-ins in workflow code, which
// Temporal's sandbox refuses at bundle time or, worse, makes non-deterministic.
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

const NODE_BUILTINS = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

/** The files Temporal bundles into the deterministic sandbox (see src/worker/workflows.ts). */
const WORKFLOW_FILES = [
  'src/*/workflow.ts',
  'src/*/messages.ts',
  'src/lifecycle/state.ts',
  'src/follow-up/cycles.ts',
  'src/calendar/**/*.ts',
  'src/domain/**/*.ts',
  'src/worker/workflows.ts',
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      '.tools/',
      '.data/',
      'coverage/',
      'src/calendar/holiday-table.ts',
      '**/*.mjs',
      '**/*.js',
    ],
  },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
    },
  },
  {
    files: WORKFLOW_FILES,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: NODE_BUILTINS.map((name) => ({
            name,
            message: 'Workflow code runs in the deterministic sandbox: no Node built-ins; do I/O in an activity.',
          })),
        },
      ],
    },
  },
  prettier,
);
