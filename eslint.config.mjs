import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Layers depend one way: webview → core ← ui ← runtimes/*/vscode; runtimes/* (engines and
// transports) and cli/ sit beside ui and never see `vscode`. Each block names what its files
// must not import; `vscode` is allowed only in extension.ts, ui/ and runtimes/*/vscode/.
const VSCODE = { name: 'vscode', message: 'engines, transports, core and the CLI must not depend on VS Code' };
const only = (message, ...group) => ({ group, message });

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.cache/**', 'test-output/**', 'test/fixtures/**', '**/*.js', '**/*.cjs', '!extension/**/*.page.js'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { paths: [VSCODE] }],
    },
  },
  {
    files: ['extension/core/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [VSCODE], patterns: [only('core/ is shared with the webview and the CLI: it imports nothing else of ours', '**/ui/**', '**/runtimes/**', '**/cli/**')] }] },
  },
  {
    files: ['extension/runtimes/**'],
    ignores: ['extension/runtimes/*/vscode/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [VSCODE], patterns: [only('an engine or transport knows no VS Code UI', '**/ui/**', '**/cli/**', '**/vscode/**')] }] },
  },
  {
    files: ['extension/cli/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [VSCODE], patterns: [only('the CLI runs without VS Code', '**/ui/**', '**/vscode/**')] }] },
  },
  {
    files: ['extension/ui/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [only('the UI is runtime-neutral: a runtime plugs in through its factory (ui/sessions/engineFactory.ts)', '**/runtimes/**', '**/cli/**')] }] },
  },
  {
    files: ['extension/ui/views/**', 'extension/ui/sessions/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [only('views and sessions must not import commands', '**/commands/*', '**/runtimes/**', '**/cli/**')] }] },
  },
  {
    files: ['extension/runtimes/*/vscode/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [only('a runtime does not use another UI feature\'s commands', '**/ui/commands/*', '**/cli/**')] }] },
  },
  {
    files: ['webview/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [VSCODE], patterns: [only('the webview sees only core/ types and messages', '**/ui/**', '**/runtimes/**', '**/cli/**')] }] },
  },
  {
    // Code that runs inside the debuggee (bundled as text, see runtimes/node/pageText.d.ts): one
    // ES2022 script expression evaluated in the program's global scope. Only the language's
    // globals and `process` (Node's, used only inside a try); no console, require or DOM.
    // HOOK_SYMBOL is replaced by the quoted key before the source is sent (pageHook.ts).
    files: ['extension/**/*.page.js'],
    languageOptions: { ecmaVersion: 2022, sourceType: 'script', globals: { process: 'readonly', HOOK_SYMBOL: 'readonly' } },
    rules: { ...js.configs.recommended.rules, 'no-unused-vars': 'off' },
  },
  {
    files: ['extension/extension.ts', 'test/suite/**', 'bench/inhost/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
