/**
 * The text of an inline `<script type="application/yaml">`: HTML authors indent it with the page, but YAML's
 * document markers (`---`) must start a line. The indentation all lines share is removed, as a heredoc
 * would; blank lines do not count. Pure.
 */
export function dedent(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const indents = lines
    .filter((line) => line.trim() !== '')
    .map((line) => /^[ \t]*/.exec(line)?.[0].length ?? 0);
  const common = indents.length > 0 ? Math.min(...indents) : 0;
  return lines
    .map((line) => line.slice(Math.min(common, /^[ \t]*/.exec(line)?.[0].length ?? 0)))
    .join('\n')
    .trim();
}
