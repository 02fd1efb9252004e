import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.cache/**', 'test-output/**', 'test/fixtures/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'engines, transports and shared types must not depend on VS Code' }] }],
    },
  },
  {
    // Only the extension UI layer (and tests that run inside VS Code) may import vscode.
    files: ['extension/extension.ts', 'extension/views/**', 'extension/commands/**', 'extension/sessions/**', 'extension/logger.ts', 'extension/transports/debugSessionEvaluator.ts', 'extension/common/**', 'test/suite/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // Commands sit on top of views and sessions; what they share lives in extension/common.
    files: ['extension/views/**', 'extension/sessions/**', 'extension/common/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/commands/*'], message: 'views and sessions must not import commands/; move shared helpers to extension/common' }] }] },
  },
);
