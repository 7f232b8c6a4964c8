import js from '@eslint/js'
import tseslint from 'typescript-eslint'

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
    // The domain code must stay free of @actions/core so it can be tested and reused;
    // only the thin entry points under src/entrypoints and the runner adapters may import it.
    files: ['src/**/*.ts'],
    ignores: ['src/entrypoints/**', 'src/core/runner.ts', 'src/core/github.ts'],
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
