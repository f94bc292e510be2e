#!/usr/bin/env node
'use strict';
/**
 * Lists the functions (declarations, methods, arrows, constructors) longer than a limit in the
 * TypeScript sources, longest first, and files longer than a file limit.
 *
 * usage: node tools/long-functions.js [--max 80] [--max-file 400] [DIR ...]
 *        (default DIRs: packages/*\/src; exits 1 when anything is listed)
 */
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

const args = process.argv.slice(2);
let max = 80;
let maxFile = 400;
const dirs = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--max') max = Number(args[++i]);
  else if (args[i] === '--max-file') maxFile = Number(args[++i]);
  else dirs.push(args[i]);
}
const root = path.resolve(__dirname, '..');
if (dirs.length === 0) {
  for (const pkg of fs.readdirSync(path.join(root, 'packages'))) dirs.push(path.join('packages', pkg, 'src'));
}

function* sources(dir) {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(full);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts')) yield full;
  }
}

function nameOf(node, file) {
  if (node.name && ts.isIdentifier(node.name)) return node.name.text;
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const parent = node.parent;
  if (parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (parent && ts.isPropertyAssignment(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  return `(anonymous at line ${file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1})`;
}

const found = [];
const longFiles = [];
for (const dir of dirs) {
  for (const fileName of sources(path.resolve(root, dir))) {
    const text = fs.readFileSync(fileName, 'utf8');
    const file = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
    const rel = path.relative(root, fileName);
    if (file.getLineAndCharacterOfPosition(text.length).line + 1 > maxFile) {
      longFiles.push({ rel, lines: file.getLineAndCharacterOfPosition(text.length).line + 1 });
    }
    const visit = (node) => {
      if (ts.isFunctionLike(node) && node.body) {
        const first = file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
        const last = file.getLineAndCharacterOfPosition(node.end).line + 1;
        if (last - first + 1 > max) found.push({ rel, line: first, lines: last - first + 1, name: nameOf(node, file) });
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
}
found.sort((a, b) => b.lines - a.lines);
for (const f of found) console.log(`${String(f.lines).padStart(4)} lines  ${f.rel}:${f.line}  ${f.name}`);
for (const f of longFiles) console.log(`${String(f.lines).padStart(4)} lines  ${f.rel}  (file)`);
if (found.length === 0 && longFiles.length === 0) console.log(`no function over ${max} lines, no file over ${maxFile} lines`);
process.exitCode = found.length + longFiles.length > 0 ? 1 : 0;
