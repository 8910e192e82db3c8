// ESLint: TypeScript and Vue rules plus the layering rules that keep each environment in its lane.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import vue from 'eslint-plugin-vue';
import globals from 'globals';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

const NODE_BUILTINS = [
  'node:*', 'fs', 'fs/*', 'path', 'os', 'crypto', 'http', 'https', 'net', 'tls', 'child_process', 'stream', 'url', 'util',
  'events', 'buffer', 'zlib', 'dns', 'worker_threads', 'readline', 'process',
];
const ELECTRON = { name: 'electron', message: 'Only electron/main and electron/preload may import electron.' };
const RAW_IPC = {
  name: 'electron',
  importNames: ['ipcRenderer', 'ipcMain'],
  message: 'Use the typed IPC wrappers generated from shared/ipc.ts, never raw ipcRenderer/ipcMain.',
};

export default tseslint.config(
  // .stryker-tmp/ holds mutation-testing sandboxes (copies of the project) while a run lasts; reports/ its output.
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'release/**', 'test-results/**', '**/*.d.ts', '.stryker-tmp/**', 'reports/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
  },
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  // No import cycles anywhere in the program: each module's dependencies form a tree one can read top-down.
  {
    files: ['electron/**/*.ts', 'shared/**/*.ts', 'renderer/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: ['tsconfig.node.json', 'tsconfig.web.json'], noWarnOnMultipleProjects: true })],
      // Dependencies are parsed to follow their imports: TypeScript needs its own parser.
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  // shared/: types and pure code for both processes: no electron, no Node, no DOM at runtime.
  {
    files: ['shared/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': ['error', { paths: [ELECTRON], patterns: [{ group: NODE_BUILTINS, message: 'shared/ runs in both processes: no Node imports.' }] }],
      'no-restricted-globals': ['error', 'window', 'document', 'process', 'Buffer', 'require'],
    },
  },
  // electron/core and the CLI: Electron-free, runs under plain Node.
  {
    files: ['electron/core/**/*.ts', 'electron/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [ELECTRON], patterns: [{ group: ['vue', 'pinia', '**/renderer/**'], message: 'The core knows nothing of the UI.' }] }],
    },
  },
  // The shell: only typed IPC.
  {
    files: ['electron/main/**/*.ts', 'electron/preload/**/*.ts'],
    ignores: ['electron/main/ipc/typed-ipc-main.ts', 'electron/preload/typed-ipc-renderer.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [RAW_IPC] }] },
  },
  // preload: no safeStorage, windows, tray or shell; those belong to main.
  {
    files: ['electron/preload/**/*.ts'],
    rules: {
      'no-restricted-syntax': ['error', {
        selector: "ImportDeclaration[source.value='electron'] ImportSpecifier[imported.name=/^(safeStorage|BrowserWindow|Tray|shell|app|clipboard)$/]",
        message: 'Only electron/main touches safeStorage, BrowserWindow, tray or shell.',
      }],
    },
  },
  // renderer: browser code that only talks to window.tokenry.
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.vue'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', {
        paths: [ELECTRON],
        patterns: [
          { group: NODE_BUILTINS, message: 'The renderer has no Node.' },
          { group: ['**/electron/**'], message: 'The renderer calls only the bridge (window.tokenry).' },
        ],
      }],
      'vue/multi-word-component-names': 'off',
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
