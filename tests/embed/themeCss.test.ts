import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { forShadowRoot, forcedThemeRule, themeDeclarations } from '../../src/embed/themeCss';

const themeCss = readFileSync(new URL('../../src/view/theme.css', import.meta.url), 'utf8');

describe('forced themes, derived from theme.css', () => {
  it('finds the light and the dark colours', () => {
    const light = themeDeclarations(themeCss, 'light');
    const dark = themeDeclarations(themeCss, 'dark');
    expect(light).toContain('--bg: #ffffff;');
    expect(light).toContain('--font-sans:');
    expect(dark).toContain('--bg: #0f1216;');
    expect(dark).not.toContain('--bg: #ffffff');
    // Every colour the dark scheme sets is one the light scheme defines.
    const names = (text: string) => [...text.matchAll(/(--[a-z-]+):/g)].map((m) => m[1]);
    expect(names(light)).toEqual(expect.arrayContaining(names(dark)));
  });

  it('forces a scheme on a selector, with its color-scheme', () => {
    const rule = forcedThemeRule(themeCss, 'dark', ":root[data-theme='dark']");
    expect(rule.startsWith(":root[data-theme='dark'] {")).toBe(true);
    expect(rule).toContain('--fg: #e9edf2;');
    expect(rule).toContain('color-scheme: dark;');
    expect(rule).not.toContain('color-scheme: light dark');
    expect(forcedThemeRule(themeCss, 'light', ':host')).toContain('--fg: #1a1e24;');
  });

  it('moves document-level rules to the shadow host', () => {
    expect(forShadowRoot(':root { --a: 1 }\n@media (x) { :root { --a: 2 } }')).toBe(
      ':host { --a: 1 }\n@media (x) { :host { --a: 2 } }',
    );
    expect(forShadowRoot(themeCss)).not.toContain(':root');
  });
});
