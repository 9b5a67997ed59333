import js from '@eslint/js'
import globals from 'globals'
import reactHooks from 'eslint-plugin-react-hooks'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'bin/**', '**/.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node }
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      // Raw IPC only inside the typed helpers (ipc/electron-bridge.ts, preload/index.ts).
      'no-restricted-syntax': [
        'error',
        {
          selector:
            'MemberExpression[object.name=/^ipc(Main|Renderer)$/][property.name=/^(on|once|handle|handleOnce|send|sendSync|invoke|removeListener)$/]',
          message: 'Use the typed IPC helpers (src/main/ipc/electron-bridge.ts, src/preload/index.ts).'
        }
      ]
    }
  },
  {
    files: ['src/main/ipc/electron-bridge.ts', 'src/preload/index.ts'],
    rules: { 'no-restricted-syntax': 'off' }
  },
  {
    // The core is plain Node: tests and the CLI load it without Electron or React.
    files: [
      'src/main/core/**/*.ts',
      'src/main/worker/**/*.ts',
      'src/main/cli/**/*.ts',
      'src/main/cli.ts',
      'src/shared/**/*.ts'
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'src/main/core, worker, CLI and shared code must not import electron.' },
            { name: 'react', message: 'The core must not import react.' },
            { name: 'react-dom', message: 'The core must not import react.' }
          ],
          patterns: [{ group: ['**/renderer/**'], message: 'The core must not import the renderer.' }]
        }
      ]
    }
  },
  {
    // Only the runtime adapter touches onnxruntime.
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    ignores: ['src/main/core/runtime/ort-adapter.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'onnxruntime-node', message: 'Only core/runtime/ort-adapter.ts imports onnxruntime-node.' },
            { name: 'electron', importNames: ['ipcMain', 'ipcRenderer'], message: 'Use the typed IPC helpers.' }
          ]
        }
      ]
    }
  },
  {
    files: [
      'src/main/core/**/*.ts',
      'src/main/worker/**/*.ts',
      'src/main/cli/**/*.ts',
      'src/main/cli.ts',
      'src/shared/**/*.ts'
    ],
    ignores: ['src/main/core/runtime/ort-adapter.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'src/main/core, worker, CLI and shared code must not import electron.' },
            { name: 'react', message: 'The core must not import react.' },
            { name: 'react-dom', message: 'The core must not import react.' },
            { name: 'onnxruntime-node', message: 'Only core/runtime/ort-adapter.ts imports onnxruntime-node.' }
          ],
          patterns: [{ group: ['**/renderer/**'], message: 'The core must not import the renderer.' }]
        }
      ]
    }
  },
  {
    files: ['src/main/ipc/electron-bridge.ts', 'src/preload/index.ts', 'src/main/index.ts'],
    rules: { 'no-restricted-imports': 'off' }
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' }
  },
  {
    // Zustand actions are closures (no `this`); destructuring them from the store is the intended use.
    files: ['src/renderer/**/*.{ts,tsx}'],
    rules: { '@typescript-eslint/unbound-method': 'off' }
  },
  {
    // vitest's asymmetric matchers (expect.closeTo, expect.stringMatching...) are typed `any`.
    files: ['tests/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off'
    }
  },
  {
    files: ['**/*.mjs', '**/*.cjs', 'scripts/**'],
    ...tseslint.configs.disableTypeChecked
  },
  {
    // CommonJS files (a preload for Electron's installer) load modules with require by definition.
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' }
  },
  {
    // The IPC contract is derived from the request schemas: no payload is cast into shape anywhere on its path.
    files: ['src/main/ipc/**/*.ts', 'src/preload/**/*.ts', 'src/shared/ipc/**/*.ts'],
    rules: { '@typescript-eslint/consistent-type-assertions': ['error', { assertionStyle: 'never' }] }
  }
)
