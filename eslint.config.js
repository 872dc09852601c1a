import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

// Imports point one way: view → store → engine/layout/manifests → model (see STYLE.md).
// Nothing below store/ may import React, zustand, d3-selection or touch the DOM.
const noUiBelowStore = {
  paths: [
    { name: 'react', message: 'Only view/ may import React.' },
    { name: 'react-dom', message: 'Only view/ may import React.' },
    { name: 'zustand', message: 'Only store/ and view/ may import zustand.' },
    {
      name: 'd3',
      message: 'Import the pure d3 modules you need (d3-scale, d3-shape, …), never d3-selection.',
    },
    { name: 'd3-selection', message: 'd3-selection touches the DOM: only view/d3/ may use it.' },
    { name: 'd3-zoom', message: 'd3-zoom touches the DOM: only view/d3/ may use it.' },
  ],
  patterns: [
    {
      group: ['**/view/**', '**/store/**', '**/embed/**'],
      message: 'Imports point one way: view → store → engine → model.',
    },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['src/**/*.{ts,tsx}', 'tests/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    files: [
      'src/model/**',
      'src/manifests/**',
      'src/engine/**',
      'src/layout/**',
      'src/scenarios/**',
      'src/cli/**',
    ],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': ['error', noUiBelowStore],
      'no-restricted-globals': [
        'error',
        { name: 'window', message: 'No DOM below store/.' },
        { name: 'document', message: 'No DOM below store/.' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Use the seeded rng: same input, same output.' },
        { object: 'Date', property: 'now', message: 'The clock lives at the edge (view/).' },
      ],
    },
  },
  {
    files: ['src/store/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'react', message: 'The store does not render.' },
            { name: 'd3-selection', message: 'The store does not touch the DOM.' },
          ],
          patterns: [{ group: ['**/view/**'], message: 'Imports point one way: view → store.' }],
        },
      ],
    },
  },
);
