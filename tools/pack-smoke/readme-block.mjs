// Prints the first TypeScript block under `## <heading>` of a Markdown file, as the user copies it:
//   node readme-block.mjs README.md "A first model" > first.mts
import { readFileSync } from 'node:fs';

const [file, heading] = process.argv.slice(2);
const text = readFileSync(file, 'utf8');
const start = text.indexOf(`\n## ${heading}\n`);
if (start < 0) throw new Error(`${file} has no section '## ${heading}'`);
const end = text.indexOf('\n## ', start + 1);
const block = /\n```ts\n([\s\S]*?)\n```/.exec(text.slice(start, end < 0 ? undefined : end));
if (!block) throw new Error(`${file}: no ts block under '## ${heading}'`);
process.stdout.write(`${block[1]}\n`);
