/**
 * The theme for embeds. theme.css defines the colours once: light on `:root`, dark in
 * `@media (prefers-color-scheme: dark) { :root { … } }`. An embed may force one of them (`theme=dark` follows
 * the docs site, not the reader's OS), and a `<kube-netviz>` element draws inside a shadow root, where
 * `:root` matches nothing. Both are derived here from theme.css's own text, so no colour is written twice.
 * Pure: text in, text out.
 */

export type ForcedTheme = 'light' | 'dark';

/** The custom-property declarations of theme.css for one scheme (empty when the text has no such block). */
export function themeDeclarations(themeCss: string, theme: ForcedTheme): string {
  const dark = /@media\s*\(prefers-color-scheme:\s*dark\)\s*\{\s*:root\s*\{([^}]*)\}/.exec(themeCss);
  if (theme === 'dark') return dark?.[1]?.trim() ?? '';
  // The first top-level `:root { … }` (the light scheme); the dark block's own `:root` comes later.
  const light = /(?:^|\})\s*(?:\/\*[^*]*\*+(?:[^/*][^*]*\*+)*\/\s*)*:root\s*\{([^}]*)\}/.exec(themeCss);
  return light?.[1]?.trim() ?? '';
}

/**
 * A rule that forces `theme` on `selector`: the scheme's colours and its `color-scheme` (so form controls and
 * scrollbars follow). Give it a selector more specific than `:root`, or put it after theme.css.
 */
export function forcedThemeRule(themeCss: string, theme: ForcedTheme, selector: string): string {
  const declarations = themeDeclarations(themeCss, theme).replace(/color-scheme:[^;]*;/g, '');
  return `${selector} {\n${declarations}\ncolor-scheme: ${theme};\n}`;
}

/** Stylesheet text for a shadow root: the document-level selectors become the host. */
export function forShadowRoot(css: string): string {
  return css.replace(/:root\b/g, ':host');
}
