import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * Reads a package's public API from its TypeScript sources (everything `<package>/src/index.ts`
 * exports) and lists every callable that takes an options object: exported functions, constructors
 * of exported classes, and their public methods. A parameter is an options object when it is named
 * `options` or `request`, or its type is named `…Options` or `…Request`. Labels: `readCsv`,
 * `new LSTM`, `Sequential.fit` (a method is labelled by the class that declares it, so an inherited
 * `apply` is `RecurrentLayer.apply`). The options-walk tests of core and cli run on it.
 */
export interface OptionsParameter {
  label: string;
  parameter: string;
  type: string;
}

const REPO = fileURLToPath(new URL('../', import.meta.url));

/** The options parameters of the public API of `packages/<pkg>` (`core`, `cli`). */
export function publicOptionsParameters(pkg: string): OptionsParameter[] {
  const src = `${REPO}packages/${pkg}/src/`;
  const options: ts.CompilerOptions = { strict: true, target: ts.ScriptTarget.ES2022, noEmit: true, noLib: true, types: [] };
  const host = ts.createCompilerHost(options);
  // Only our own sources are read: other packages' types (node, csv-parse, …) become `any`, which
  // does not matter for finding parameters, and keeps this fast.
  host.resolveModuleNames = (names, containingFile) =>
    names.map((name) => {
      const file = name.startsWith('@rnn/') ? `${REPO}packages/${name.slice(5)}/src/index.ts` : name.startsWith('.') ? resolveRelative(name, containingFile) : null;
      return file && host.fileExists(file) ? { resolvedFileName: file, extension: ts.Extension.Ts } : undefined;
    });
  const program = ts.createProgram([`${src}index.ts`], options, host);
  const checker = program.getTypeChecker();
  const index = program.getSourceFile(`${src}index.ts`);
  if (!index) throw new Error(`cannot read ${src}index.ts`);
  const moduleSymbol = checker.getSymbolAtLocation(index);
  if (!moduleSymbol) throw new Error('src/index.ts has no module symbol');
  const found: OptionsParameter[] = [];
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const declaration = symbol.valueDeclaration;
    if (!declaration || !declaration.getSourceFile().fileName.startsWith(src)) continue;
    const type = checker.getTypeOfSymbolAtLocation(symbol, declaration);
    for (const signature of type.getCallSignatures()) found.push(...optionsOf(checker, signature, exported.name));
    const abstract = ts.getCombinedModifierFlags(declaration as ts.Declaration) & ts.ModifierFlags.Abstract;
    if (!abstract) for (const signature of type.getConstructSignatures()) found.push(...optionsOf(checker, signature, `new ${exported.name}`));
    if (symbol.flags & ts.SymbolFlags.Class) found.push(...methodOptions(checker, symbol, declaration, src));
  }
  const unique = new Map(found.map((f) => [`${f.label}(${f.parameter})`, f]));
  return [...unique.values()].sort((a, b) => a.label.localeCompare(b.label));
}

/** Public methods of a class (own and inherited from our sources) that take an options object. */
function methodOptions(checker: ts.TypeChecker, classSymbol: ts.Symbol, at: ts.Node, src: string): OptionsParameter[] {
  const instance = checker.getDeclaredTypeOfSymbol(classSymbol);
  const out: OptionsParameter[] = [];
  for (const property of checker.getPropertiesOfType(instance)) {
    const declaration = property.valueDeclaration;
    if (!declaration || !ts.isMethodDeclaration(declaration)) continue;
    if (!declaration.getSourceFile().fileName.startsWith(src)) continue;
    const modifiers = ts.getCombinedModifierFlags(declaration);
    if (modifiers & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) continue;
    const owner = (declaration.parent as ts.ClassDeclaration).name?.text ?? '?';
    const type = checker.getTypeOfSymbolAtLocation(property, at);
    for (const signature of type.getCallSignatures()) out.push(...optionsOf(checker, signature, `${owner}.${property.name}`));
  }
  return out;
}

function optionsOf(checker: ts.TypeChecker, signature: ts.Signature, label: string): OptionsParameter[] {
  const out: OptionsParameter[] = [];
  for (const parameter of signature.getParameters()) {
    const declaration = parameter.valueDeclaration ?? parameter.declarations?.[0];
    if (!declaration) continue;
    const type = checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(parameter, declaration));
    const names = typeNames(type);
    if (['options', 'request'].includes(parameter.name) || names.some((n) => n.endsWith('Options') || n.endsWith('Request'))) {
      out.push({ label, parameter: parameter.name, type: checker.typeToString(type) });
    }
  }
  return out;
}

/** The interface and alias names a type is made of (through unions and intersections). */
function typeNames(type: ts.Type): string[] {
  const own = [type.aliasSymbol?.name, type.getSymbol()?.name].filter((n): n is string => typeof n === 'string');
  const parts = type.isUnionOrIntersection() ? type.types.flatMap(typeNames) : [];
  return [...own, ...parts];
}

function resolveRelative(name: string, containingFile: string): string {
  const base = join(dirname(containingFile), name);
  return base.endsWith('.ts') ? base : ts.sys.fileExists(`${base}.ts`) ? `${base}.ts` : join(base, 'index.ts');
}
