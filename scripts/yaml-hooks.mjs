// Node module hooks so that the CLI (run through tsx) can import the built-in scenarios the way Vite does:
// `import docs from './x.yaml'` gives the parsed documents (see the plugin in vite.config.ts).
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

export async function load(url, context, nextLoad) {
  if (url.endsWith('.yaml?cluster')) {
    throw new Error(
      `${url}: resolved scenarios are built by Vite; in Node use loadScenario() from src/scenarios/load.ts`,
    );
  }
  if (!url.endsWith('.yaml')) return nextLoad(url, context);
  const text = await readFile(fileURLToPath(url), 'utf8');
  const documents = parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`${url}: ${doc.errors.map((e) => e.message).join('; ')}`);
      return doc.toJS();
    })
    .filter((value) => value !== null && value !== undefined);
  return { format: 'module', source: `export default ${JSON.stringify(documents)};`, shortCircuit: true };
}
