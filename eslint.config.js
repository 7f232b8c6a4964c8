import js from '@eslint/js'
import tseslint from 'typescript-eslint'

/** The two files of src/core that alone bridge to @actions/core and @actions/github. */
const actionsAdapters = ['src/core/runner.ts', 'src/core/github.ts']

/** What the actions (src/) may not import: the local stack and the CLI's own packages. */
const actionsBoundary = [
  {
    regex: '^(\\.\\./)+local(/|$)',
    message:
      'src/ is what the action bundles ship; the local stack (local/) is the CLI’s and never goes into a bundle.'
  },
  {
    group: [
      '@actions/workflow-parser',
      '@actions/expressions',
      'tsx',
      '@actions/workflow-parser/**',
      '@actions/expressions/**',
      'tsx/**'
    ],
    message:
      'a package of the spark-pipeline CLI (the local stack), not of the actions: it would grow every bundle.'
  }
]

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.venv/', '.venv-lint/', 'coverage/', '.work/', 'jobs/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'error'
    }
  },
  {
    // Rules that need the types (tsconfig.json, through the project service): the code is
    // signal-heavy async (cancels, post steps, timers), where a promise nobody awaits loses its
    // error, and a union of states grows a member a switch must not silently skip.
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname }
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true, requireDefaultForNonUnion: false }
      ]
    }
  },
  {
    files: ['scripts/**/*.mjs', 'scripts/**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } }
  },
  {
    // The actions (src/, what the bundles ship) never import the local stack (local/), nor
    // the packages only the spark-pipeline CLI runs on: a bundle must not grow the runner.
    files: ['src/entrypoints/**', ...actionsAdapters],
    rules: { 'no-restricted-imports': ['error', { patterns: actionsBoundary }] }
  },
  {
    // The domain code must stay free of @actions/core so it can be tested and reused;
    // only the thin entry points under src/entrypoints and the runner adapters may import it.
    // (A later block for the same files replaces a rule's options: the boundary is repeated.)
    files: ['src/**/*.ts'],
    ignores: ['src/entrypoints/**', ...actionsAdapters],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: ['@actions/core', '@actions/github'], patterns: actionsBoundary }
      ]
    }
  },
  {
    // The local stack is no action: it has no business with the toolkit either.
    files: ['local/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: ['@actions/core', '@actions/github'], patterns: [] }
      ]
    }
  },
  {
    // Tests, scripts and benchmarks talk to a person on a terminal.
    files: ['test/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-console': 'off' }
  }
)
