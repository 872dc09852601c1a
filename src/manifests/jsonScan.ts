/**
 * A validating scanner for a stream of JSON values (`{…} {…}`, as kubectl's decoder accepts). It builds
 * nothing: it finds where each top-level value starts and ends, or the exact offset of the first syntax
 * error, which JSON.parse does not report reliably (V8 names a position only for some errors).
 * Iterative, so deeply nested input cannot overflow the stack.
 */

export type JsonScan =
  | { readonly ok: true; readonly spans: readonly (readonly [number, number])[] }
  | {
      readonly ok: false;
      readonly offset: number;
      readonly message: string;
      /** How many top-level values were complete before the error (the error is in value `completed + 1`). */
      readonly completed: number;
    };

class ScanError {
  readonly offset: number;
  readonly message: string;
  constructor(offset: number, message: string) {
    this.offset = offset;
    this.message = message;
  }
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const HEX4 = /[0-9a-fA-F]{4}/y;

function describeChar(text: string, i: number): string {
  if (i >= text.length) return 'end of input';
  return JSON.stringify(text[i]);
}

export function scanJsonStream(text: string): JsonScan {
  const spans: [number, number][] = [];
  let i = 0;
  const skipWhitespace = () => {
    while (i < text.length && WHITESPACE.has(text[i] ?? '')) i++;
  };
  const scanString = () => {
    // text[i] is the opening quote.
    i++;
    for (;;) {
      if (i >= text.length) throw new ScanError(i, 'unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) throw new ScanError(i, 'control character in string (escape it)');
      if (c === 0x5c) {
        const e = text[i + 1] ?? '';
        if (e === 'u') {
          HEX4.lastIndex = i + 2;
          if (!HEX4.test(text)) throw new ScanError(i, 'bad \\u escape: expected 4 hex digits');
          i += 6;
        } else if (ESCAPES.has(e)) {
          i += 2;
        } else {
          throw new ScanError(i, `bad escape ${JSON.stringify('\\' + e)} in string`);
        }
        continue;
      }
      i++;
    }
  };
  const scanScalar = () => {
    const c = text[i];
    if (c === '"') return scanString();
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, i)) {
        i += literal.length;
        return;
      }
    }
    NUMBER.lastIndex = i;
    if (c !== undefined && (c === '-' || (c >= '0' && c <= '9')) && NUMBER.test(text)) {
      i = NUMBER.lastIndex;
      return;
    }
    throw new ScanError(i, `expected a value, found ${describeChar(text, i)}`);
  };

  /** One complete value starting at i (after whitespace); containers tracked on an explicit stack. */
  const scanValue = () => {
    const stack: ('{' | '[')[] = [];
    let expectValue = true;
    for (;;) {
      skipWhitespace();
      if (expectValue) {
        const c = text[i];
        if (c === '{' || c === '[') {
          stack.push(c);
          i++;
          skipWhitespace();
          const close = c === '{' ? '}' : ']';
          if (text[i] === close) {
            stack.pop();
            i++;
            expectValue = false;
          } else if (c === '{') {
            scanKey();
          }
          // else: an array's first value follows (expectValue stays true)
          if (!expectValue && stack.length === 0) return;
          continue;
        }
        scanScalar();
        expectValue = false;
        if (stack.length === 0) return;
        continue;
      }
      // After a value inside a container: ',' or the closing bracket.
      const top = stack[stack.length - 1];
      const close = top === '{' ? '}' : ']';
      const c = text[i];
      if (c === ',') {
        i++;
        if (top === '{') {
          skipWhitespace();
          scanKey();
        }
        expectValue = true;
        continue;
      }
      if (c === close) {
        stack.pop();
        i++;
        if (stack.length === 0) return;
        continue;
      }
      throw new ScanError(i, `expected ',' or '${close}', found ${describeChar(text, i)}`);
    }
  };
  /** `"key"` then `:`; leaves i at the value. */
  const scanKey = () => {
    if (text[i] !== '"')
      throw new ScanError(i, `expected a quoted property name, found ${describeChar(text, i)}`);
    scanString();
    skipWhitespace();
    if (text[i] !== ':')
      throw new ScanError(i, `expected ':' after the property name, found ${describeChar(text, i)}`);
    i++;
  };

  try {
    skipWhitespace();
    while (i < text.length) {
      const start = i;
      scanValue();
      spans.push([start, i]);
      skipWhitespace();
    }
    return { ok: true, spans };
  } catch (e) {
    if (e instanceof ScanError)
      return { ok: false, offset: e.offset, message: e.message, completed: spans.length };
    throw e;
  }
}

/** 1-based line and column of an offset (columns count UTF-16 code units). */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let k = 0; k < end; k++) {
    if (text.charCodeAt(k) === 0x0a) {
      line++;
      lineStart = k + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}
