import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';

// Every ```ts block in the README and the guides is compiled, as its own module, against the
// library's sources with strict settings. A block that cannot compile on its own (e.g. it needs a
// generated Prisma client) is marked with `<!-- sample: not type-checked: <why> -->` on the line
// before the fence, and the reason must name the runnable example that covers it.

const root = resolve(__dirname, '../..');
const documents = ['README.md', ...readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];

// What the snippets assume exists around them, as the prose says ("`redshift` stands for ...").
const PRELUDE = `
declare const redshift: import('pg-redshift-iam').RedshiftPoolConfig;
declare const host: string;
interface Database { person: { id: number } }
declare class User { id: number }
`;

interface Sample {
  readonly document: string;
  readonly line: number;
  readonly code: string;
  readonly skipped: string | undefined;
}

function samplesOf(document: string): Sample[] {
  const lines = readFileSync(join(root, document), 'utf8').split('\n');
  const samples: Sample[] = [];
  for (let index = 0; index < lines.length; index++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[index]!)) continue;
    const start = index;
    const body: string[] = [];
    for (index++; index < lines.length && !lines[index]!.startsWith('```'); index++) body.push(lines[index]!);
    const marker = /<!-- sample: not type-checked: (.+) -->/.exec(lines[start - 1] ?? '');
    samples.push({ document, line: start + 1, code: body.join('\n'), skipped: marker?.[1] });
  }
  return samples;
}

const samples = documents.flatMap(samplesOf);

function compile(checked: Sample[]): Map<Sample, string[]> {
  const files = new Map<string, string>();
  const owner = new Map<string, Sample>();
  checked.forEach((sample, index) => {
    const file = join(root, '.tmp', 'doc-samples', `sample-${index}.mts`);
    files.set(file, `${sample.code}\nexport {};\n`);
    owner.set(file, sample);
  });
  const prelude = join(root, '.tmp', 'doc-samples', 'prelude.d.ts');
  files.set(prelude, PRELUDE);
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    // As a Node ESM consumer (top-level await); the library's CommonJS sources stay CommonJS.
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    esModuleInterop: true,
    skipLibCheck: true,
    types: ['node'],
    experimentalDecorators: true,
    baseUrl: root,
    paths: {
      'pg-redshift-iam': ['lib/index.ts'],
      'pg-redshift-iam/testing': ['lib/testing/index.ts'],
    },
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (name) => files.get(name) ?? readFile(name);
  host.fileExists = (name) => files.has(name) || fileExists(name);
  host.getSourceFile = (name, language, onError, create) => {
    const text = files.get(name);
    return text === undefined ? getSourceFile(name, language, onError, create) : ts.createSourceFile(name, text, language, true);
  };
  const program = ts.createProgram([...files.keys()], options, host);
  const errors = new Map<Sample, string[]>();
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const sample = diagnostic.file === undefined ? undefined : owner.get(diagnostic.file.fileName);
    const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    const key = sample ?? checked[0]!;
    const where = sample !== undefined && diagnostic.start !== undefined
      ? `line ${sample.line + 1 + diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start).line}: `
      : `${diagnostic.file?.fileName ?? 'options'}: `;
    errors.set(key, [...(errors.get(key) ?? []), `${where}${text}`]);
  }
  return errors;
}

describe('code samples in the README and docs/', () => {
  it('finds the samples, and the check fails on a sample that misuses the API', () => {
    expect(samples.filter((sample) => sample.document === 'README.md').length).toBeGreaterThanOrEqual(3);
    const broken: Sample = {
      document: 'broken.md', line: 1, skipped: undefined,
      code: "import { createRedshiftPool } from 'pg-redshift-iam';\ncreateRedshiftPool({ database: 'dev', iam: { durationSeconds: '900' } });",
    };
    expect([...compile([broken]).values()].flat().join('\n')).toMatch(/'string' is not assignable to type 'number'/);
  }, 120_000);

  it('type-checks every sample (strict) against the library', () => {
    const checked = samples.filter((sample) => sample.skipped === undefined);
    const errors = compile(checked);
    const report = [...errors].map(([sample, messages]) => `${sample.document}:${sample.line}\n  ${messages.join('\n  ')}`);
    expect(report).toEqual([]);
  }, 120_000);

  it('says why a sample is not type-checked and names the example that runs instead', () => {
    for (const sample of samples.filter((candidate) => candidate.skipped !== undefined)) {
      expect(`${sample.document}:${sample.line} ${sample.skipped!}`).toMatch(/examples\/\S+\.ts/);
    }
  });
});
