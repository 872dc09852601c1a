/**
 * Text measuring without a DOM: a deterministic estimate of the advance width of a string, generous enough
 * for the system sans-serif and monospace stacks, so boxes are sized before anything is rendered.
 */

/** Average advance per character, in em. Monospace fonts are ~0.6em; sans-serif text averages less. */
const MONO_EM = 0.61;
const SANS_EM = 0.56;
const BOLD_FACTOR = 1.06;

export interface TextStyle {
  readonly size: number;
  readonly mono?: boolean;
  readonly bold?: boolean;
}

export function textWidth(text: string, style: TextStyle): number {
  const em = style.mono === true ? MONO_EM : SANS_EM;
  return text.length * style.size * em * (style.bold === true ? BOLD_FACTOR : 1);
}

/** The text, shortened with an ellipsis in the middle when it would not fit `maxWidth`. */
export function fitText(text: string, maxWidth: number, style: TextStyle): string {
  if (textWidth(text, style) <= maxWidth) return text;
  const perChar = textWidth('m', style);
  const keep = Math.max(2, Math.floor(maxWidth / perChar) - 1);
  const head = Math.ceil(keep / 2);
  const tail = keep - head;
  return `${text.slice(0, head)}…${tail > 0 ? text.slice(text.length - tail) : ''}`;
}

/** Splits text into lines of at most `maxWidth`, breaking at spaces (a long word gets a line of its own). */
export function wrapText(text: string, maxWidth: number, style: TextStyle): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (line !== '' && textWidth(candidate, style) > maxWidth) {
      lines.push(line);
      line = word;
    } else {
      line = candidate;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}
