/**
 * Manifest text → parsed documents → draft. YAML (one or more `---`-separated documents) or JSON (one value,
 * a `kind: List`, or several values in a row as kubectl's decoder accepts). The `yaml` package is loaded with
 * a dynamic import, so it stays out of the app's initial bundle.
 */
import { NetvizError } from '../model/errors';
import { lineColumn, scanJsonStream } from './jsonScan';
import { readObjects } from './readObjects';
import type { ParseResult, ReadResult } from './types';

function malformed(document: number, message: string): NetvizError {
  return new NetvizError('malformed-document', message, { source: { document, path: '' } });
}

/** JSON text, one document per top-level value; a syntax error is placed by line and column. */
function parseJson(text: string): ParseResult {
  const scan = scanJsonStream(text);
  if (!scan.ok) {
    const { line, column } = lineColumn(text, scan.offset);
    return {
      docs: [],
      errors: [
        malformed(scan.completed + 1, `JSON syntax error at line ${line}, column ${column}: ${scan.message}`),
      ],
    };
  }
  const docs: unknown[] = [];
  const errors: NetvizError[] = [];
  scan.spans.forEach(([start, end], i) => {
    try {
      docs.push(JSON.parse(text.slice(start, end)) as unknown);
    } catch (e) {
      // The scanner accepted what JSON.parse refused (should not happen); report it at the value's start.
      const { line, column } = lineColumn(text, start);
      const reason = e instanceof Error ? e.message : String(e);
      errors.push(
        malformed(i + 1, `JSON syntax error in the value at line ${line}, column ${column}: ${reason}`),
      );
      docs.push(null);
    }
  });
  return { docs, errors };
}

async function parseYaml(text: string): Promise<ParseResult> {
  const { parseAllDocuments } = await import('yaml');
  // merge: kubectl's YAML reader (go-yaml) honours `<<` merge keys; uniqueKeys: a repeated key is an error.
  const parsed = parseAllDocuments(text, { merge: true, uniqueKeys: true, prettyErrors: true });
  const documents = Array.isArray(parsed) ? parsed : [];
  const docs: unknown[] = [];
  const errors: NetvizError[] = [];
  documents.forEach((doc, i) => {
    const document = i + 1;
    const first = doc.errors[0];
    if (first) {
      const pos = first.linePos?.[0];
      const where = pos ? ` at line ${pos.line}, column ${pos.col}` : '';
      errors.push(malformed(document, `YAML syntax error${where}: ${firstLine(first.message)}`));
      docs.push(null);
      return;
    }
    try {
      docs.push(doc.toJS({ maxAliasCount: 100 }) as unknown);
    } catch (e) {
      // toJS throws on alias abuse (a "billion laughs" document) and on unresolvable aliases.
      const reason = e instanceof Error ? firstLine(e.message) : String(e);
      errors.push(malformed(document, `YAML document cannot be read: ${reason}`));
      docs.push(null);
    }
  });
  return { docs, errors };
}

/** The yaml package's pretty messages repeat the position and quote the source; keep the sentence. */
function firstLine(message: string): string {
  const line = message.split('\n', 1)[0] ?? message;
  return line.replace(/ at line \d+, column \d+:?\s*$/, '').trim();
}

/**
 * Text that opens like JSON: `{` followed by a quoted key or `}`, or `[` followed by a JSON value or `]`.
 * YAML flow collections with plain scalars (`{apiVersion: v1, kind: Pod}`, `[web, db]`) go to the YAML parser.
 */
function looksLikeJson(text: string): boolean {
  const match = /^\s*([[{])\s*(\S?)/.exec(text);
  if (!match) return false;
  const [, open, next = ''] = match;
  const rest = text.slice(match.index + match[0].length - next.length);
  if (open === '{') return next === '"' || next === '}' || next === '';
  return /^["{[\]\-0-9]/.test(next) || /^(true|false|null)\b/.test(rest) || next === '';
}

/**
 * Parses manifest text into documents. Never rejects: every problem is reported as a `malformed-document`
 * error naming the document and the line and column.
 */
export async function parseManifestText(text: string): Promise<ParseResult> {
  try {
    const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
    const start = /\S/.exec(source)?.[0];
    if (start === undefined) return { docs: [], errors: [] };
    // JSON first, for its precise errors (and speed on large `kubectl get -o json` output).
    if (looksLikeJson(source)) return parseJson(source);
    return await parseYaml(source);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    return { docs: [], errors: [malformed(1, `the text could not be parsed: ${reason}`)] };
  }
}

/** parseManifestText, then readObjects: text in, draft (and every problem) out. */
export async function importManifests(text: string): Promise<ReadResult> {
  const parsed = await parseManifestText(text);
  const read = readObjects(parsed.docs);
  return { ...read, errors: [...parsed.errors, ...read.errors] };
}
