// The layer rules, executable: every import of every src/**/*.ts file (import, import type, export …
// from, require('…'), import('…'), typeof import('…')), resolved like TypeScript resolves relative
// paths (a folder resolves to its index.ts). No cycle anywhere in src/; src/domain/ imports only
// src/domain/; src/ops/ and src/state/ never import `vscode`; only src/aws/ imports the AWS SDK.
// And package.json contributes each command once and each menu entry once.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SRC = path.join(ROOT, 'src');

interface Import {
  readonly specifier: string;
  readonly line: number;
  /** The src-relative file it resolves to (relative specifiers only). */
  readonly target?: string;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out.sort();
}

/** `src/a/b.ts` for a path under the repository. */
const rel = (abs: string) => path.relative(ROOT, abs).split(path.sep).join('/');

/** Resolves a relative specifier from `fromAbs` the way TypeScript's node resolution does for .ts sources. */
function resolve(fromAbs: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(fromAbs), specifier);
  const stem = base.replace(/\.(js|mjs|cjs)$/, '');
  const candidates = [base, `${stem}.ts`, `${stem}.tsx`, `${stem}.d.ts`, path.join(base, 'index.ts'), path.join(base, 'index.tsx')];
  return candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile());
}

/** Every module specifier a file names, found in its syntax tree (comments and strings that merely mention one do not count). */
export function importsOf(fileAbs: string, text = fs.readFileSync(fileAbs, 'utf8')): Import[] {
  const sf = ts.createSourceFile(fileAbs, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: Import[] = [];
  const add = (lit: ts.Node) => {
    if (!ts.isStringLiteralLike(lit)) return;
    const specifier = lit.text;
    const line = sf.getLineAndCharacterOfPosition(lit.getStart(sf)).line + 1;
    const targetAbs = specifier.startsWith('.') ? resolve(fileAbs, specifier) : undefined;
    found.push({ specifier, line, target: targetAbs ? rel(targetAbs) : undefined });
  };
  const visit = (n: ts.Node): void => {
    if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier) add(n.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(n) && ts.isExternalModuleReference(n.moduleReference)) add(n.moduleReference.expression);
    else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument)) add(n.argument.literal);
    else if (ts.isCallExpression(n) && n.arguments.length >= 1) {
      const callee = n.expression;
      const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
      const isDynamicImport = callee.kind === ts.SyntaxKind.ImportKeyword;
      if (isRequire || isDynamicImport) add(n.arguments[0]);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

/** One cycle through each strongly connected component of more than one file (or a file importing itself). */
export function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  return cyclicComponents(graph).map((c) => c.cycle);
}

/** The strongly connected components that hold a cycle: their files, and the shortest cycle through the first of them. */
export function cyclicComponents(graph: ReadonlyMap<string, readonly string[]>): { files: string[]; cycle: string[] }[] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const strongConnect = (v: string) => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        strongConnect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const c: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        c.push(w);
      } while (w !== v);
      components.push(c);
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) strongConnect(v);

  const cycles: { files: string[]; cycle: string[] }[] = [];
  for (const c of components) {
    const members = new Set(c);
    const start = [...c].sort()[0];
    if (c.length === 1 && !(graph.get(start) ?? []).includes(start)) continue;
    // The shortest way back to `start` inside the component (breadth first): the cycle to print.
    const prev = new Map<string, string>();
    const queue = [start];
    let end: string | undefined;
    while (queue.length && !end) {
      const v = queue.shift()!;
      for (const w of [...(graph.get(v) ?? [])].sort()) {
        if (!members.has(w)) continue;
        if (w === start) {
          end = v;
          break;
        }
        if (!prev.has(w)) {
          prev.set(w, v);
          queue.push(w);
        }
      }
    }
    const pathBack: string[] = [];
    for (let v: string | undefined = end; v !== undefined && v !== start; v = prev.get(v)) pathBack.unshift(v);
    cycles.push({ files: [...c].sort(), cycle: [start, ...pathBack, start] });
  }
  return cycles.sort((a, b) => a.cycle[0].localeCompare(b.cycle[0]));
}

describe('Layers: the import rules of src/, checked on every file', () => {
  const files = sourceFiles(SRC);
  const imports = new Map(files.map((f) => [rel(f), importsOf(f)]));

  it('finds the source files and their imports', () => {
    assert.ok(files.length > 20, `only ${files.length} files under src/`);
    const ext = imports.get('src/extension.ts') ?? [];
    assert.ok(
      ext.some((i) => i.specifier === 'vscode'),
      'src/extension.ts imports vscode',
    );
  });

  it('every relative import resolves to a file in the repository', () => {
    const unresolved = [...imports].flatMap(([f, list]) =>
      list.filter((i) => i.specifier.startsWith('.') && !i.target).map((i) => `${f}:${i.line} '${i.specifier}'`),
    );
    assert.deepEqual(unresolved, []);
  });

  it('has no import cycle in src/ (type-only imports and lazy require() count too)', () => {
    const graph = new Map<string, string[]>();
    for (const [f, list] of imports) graph.set(f, [...new Set(list.flatMap((i) => (i.target?.startsWith('src/') ? [i.target] : [])))]);
    const found = cyclicComponents(graph);
    const shown = found.map(
      (c) =>
        `${c.cycle.join(' -> ')}${c.files.length > c.cycle.length - 1 ? ` (all ${c.files.length} files that import each other: ${c.files.join(', ')})` : ''}`,
    );
    assert.deepEqual(shown, [], `import cycles:\n  ${shown.join('\n  ')}`);
  });

  const breaks = (rule: (file: string, i: Import) => string | undefined) =>
    [...imports].flatMap(([f, list]) =>
      list.flatMap((i) => {
        const why = rule(f, i);
        return why ? [`${f}:${i.line} imports '${i.specifier}'${i.target && i.target !== i.specifier ? ` (${i.target})` : ''}: ${why}`] : [];
      }),
    );

  it('src/domain/ imports only src/domain/ (no vscode, no SDK, no Node module, nothing else of src/)', () => {
    const found = breaks((f, i) => {
      if (!f.startsWith('src/domain/')) return undefined;
      if (i.target?.startsWith('src/domain/')) return undefined;
      return i.target ? 'outside src/domain/' : 'a package';
    });
    assert.deepEqual(found, []);
  });

  it('src/ops/ and src/state/ never import vscode', () => {
    const found = breaks((f, i) =>
      (f.startsWith('src/ops/') || f.startsWith('src/state/')) && i.specifier === 'vscode' ? 'vscode outside the UI' : undefined,
    );
    assert.deepEqual(found, []);
  });

  it('only src/aws/ imports the AWS SDK (@aws-sdk/*, @smithy/*)', () => {
    const found = breaks((f, i) => (!f.startsWith('src/aws/') && /^@(aws-sdk|smithy)\//.test(i.specifier) ? 'the SDK outside src/aws/' : undefined));
    assert.deepEqual(found, []);
  });

  describe('the checker itself', () => {
    const tmp = path.join(SRC, 'x', 'a.ts');
    it('reads every form of import', () => {
      const text = [
        "import * as a from './one';",
        "import type { B } from '../two';",
        "export { c } from './three';",
        "export * from './four';",
        "const d = require('./five');",
        "const e = import('./six');",
        "type F = typeof import('./seven');",
        "import g = require('./eight');",
        "// import x from './not-this';",
        'const s = \'require("./nor-this")\';',
        "import 'vscode';",
      ].join('\n');
      assert.deepEqual(
        importsOf(tmp, text).map((i) => i.specifier),
        ['./one', '../two', './three', './four', './five', './six', './seven', './eight', 'vscode'],
      );
    });

    it('prints a cycle as the path that closes it', () => {
      const g = new Map<string, string[]>([
        ['a', ['b']],
        ['b', ['c']],
        ['c', ['a', 'd']],
        ['d', []],
        ['e', ['e']],
      ]);
      assert.deepEqual(findCycles(g), [
        ['a', 'b', 'c', 'a'],
        ['e', 'e'],
      ]);
      assert.deepEqual(
        findCycles(
          new Map([
            ['a', ['b']],
            ['b', []],
          ]),
        ),
        [],
      );
    });

    it('resolves a folder import to its index.ts', () => {
      const awsIndex = importsOf(path.join(SRC, 'ext.ts')).find((i) => i.specifier === './aws/index');
      assert.equal(awsIndex?.target, 'src/aws/index.ts');
      assert.equal(resolve(path.join(SRC, 'ext.ts'), './aws'), path.join(SRC, 'aws', 'index.ts'));
    });
  });
});

describe('package.json contributions', () => {
  interface MenuEntry {
    readonly command?: string;
    readonly submenu?: string;
    readonly when?: string;
    readonly group?: string;
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    contributes: { commands: { command: string }[]; menus: Record<string, MenuEntry[]> };
  };
  const duplicates = (keys: string[]) => [...new Set(keys.filter((k, i) => keys.indexOf(k) !== i))];

  it('contributes each command once', () => {
    assert.deepEqual(duplicates(pkg.contributes.commands.map((c) => c.command)), []);
  });

  it('lists each menu entry (command or submenu, when, group) once per menu', () => {
    const found = Object.entries(pkg.contributes.menus).flatMap(([menu, entries]) =>
      duplicates(entries.map((e) => JSON.stringify([e.command ?? e.submenu, e.when ?? '', e.group ?? '']))).map((k) => `${menu}: ${k}`),
    );
    assert.deepEqual(found, []);
  });

  it('every menu entry names a contributed command', () => {
    const known = new Set(pkg.contributes.commands.map((c) => c.command));
    const unknown = Object.entries(pkg.contributes.menus).flatMap(([menu, entries]) =>
      entries.filter((e) => e.command && !known.has(e.command)).map((e) => `${menu}: ${e.command}`),
    );
    assert.deepEqual(unknown, []);
  });
});
