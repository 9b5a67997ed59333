import js from '@eslint/js'
import globals from 'globals'
import reactHooks from 'eslint-plugin-react-hooks'
import tseslint from 'typescript-eslint'

const ELECTRON_REACT = [
  { name: 'electron', message: 'src/main/core, worker, CLI and shared code must not import electron.' },
  { name: 'react', message: 'The core must not import react.' },
  { name: 'react-dom', message: 'The core must not import react.' }
]
const ORT = { name: 'onnxruntime-node', message: 'Only core/runtime/ort-adapter.ts imports onnxruntime-node.' }
const RAW_IPC = { name: 'electron', importNames: ['ipcMain', 'ipcRenderer'], message: 'Use the typed IPC helpers.' }
const NO_RENDERER = { group: ['**/renderer/**'], message: 'The core must not import the renderer.' }
const NO_MAIN_ROOMS = {
  group: ['**/services/**', '**/worker/**', '**/ipc/**', '**/cli/**', '!**/shared/ipc/**'],
  message: "core is the bottom room: it must not import main's services, the worker, IPC or the CLI."
}
const NO_SERVICES = {
  group: ['**/services/**'],
  message: "The worker must not import main's services (they run in the main thread); share code through core."
}
const NO_WORKER_IPC = {
  group: ['**/worker/**', '**/ipc/**', '!**/shared/ipc/**'],
  message: 'An operation is plain core: the worker and IPC look it up, never the other way round.'
}
const NO_MAIN = {
  group: ['**/main/**'],
  message: 'The renderer reaches main only through window.api (src/shared/ipc); share types through src/shared.'
}

const restrict = (paths, patterns) => ({ 'no-restricted-imports': ['error', { paths, patterns }] })

/** One config object per room, most general first; each lists every restriction for its files. */
function roomRules() {
  const ort = ['src/main/core/runtime/ort-adapter.ts']
  return [
    { files: ['src/**/*.ts', 'src/**/*.tsx'], ignores: ort, rules: restrict([ORT, RAW_IPC], []) },
    {
      // The core is plain Node: tests and the CLI load it without Electron or React.
      files: ['src/main/cli/**/*.ts', 'src/main/cli.ts', 'src/shared/**/*.ts'],
      ignores: ort,
      rules: restrict([...ELECTRON_REACT, ORT], [NO_RENDERER])
    },
    {
      files: ['src/main/core/**/*.ts'],
      ignores: ort,
      rules: restrict([...ELECTRON_REACT, ORT], [NO_RENDERER, NO_MAIN_ROOMS])
    },
    { files: ['src/main/core/runtime/ort-adapter.ts'], rules: restrict(ELECTRON_REACT, [NO_RENDERER, NO_MAIN_ROOMS]) },
    {
      files: ['src/main/core/operations/**/*.ts'],
      rules: restrict([...ELECTRON_REACT, ORT], [NO_RENDERER, NO_MAIN_ROOMS, NO_WORKER_IPC])
    },
    { files: ['src/main/worker/**/*.ts'], rules: restrict([...ELECTRON_REACT, ORT], [NO_RENDERER, NO_SERVICES]) },
    { files: ['src/renderer/**/*.{ts,tsx}'], rules: restrict([ORT, RAW_IPC], [NO_MAIN]) }
  ]
}

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
  // The map of the rooms (docs/ARCHITECTURE.md), enforced: one no-restricted-imports list per room, since a later
  // config object replaces the rule's options for the files it matches rather than adding to them.
  ...roomRules(),
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
