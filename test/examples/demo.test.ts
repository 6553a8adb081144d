import { LeakGuard } from '../../examples/demo/leak-guard';
import { runTypeScript, type ChildRun } from '../setup/run-child';

type DemoRun = ChildRun;

/** Runs the demo as `npm run demo` does, with stdout piped (so it prints plain log lines). */
function runDemo(args: readonly string[]): Promise<DemoRun> {
  return runTypeScript('examples/demo.ts', args);
}

describe('npm run demo (its own embedded PostgreSQL and emulator, 6 s of queries)', () => {
  let run: DemoRun;

  beforeAll(async () => {
    run = await runDemo(['--seconds', '6']);
  }, 60_000);

  it('exits 0 and writes nothing to stderr', () => {
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
  });

  it('logs in as the DbUser that AWS returned for the IAM user', () => {
    expect(run.stdout).toContain('AWS GetClusterCredentialsWithIAM: DbUser IAM:alice,');
    expect(run.stdout).toContain('first login: SELECT current_user = IAM:alice');
    expect(run.stdout).toMatch(/ queries \(\d+\/s\), all as IAM:alice$/m);
  });

  it('refreshes the credentials in the background while queries go on', () => {
    expect(run.stdout).toMatch(/\] background refresh #\d+: IAM:alice, valid /);
    expect(run.stdout).toMatch(/^ {2}\d+ credential refreshes \([1-9]\d* in the background\)$/m);
  });

  it('reports that no connection waited on AWS after the first login', () => {
    expect(run.stdout).toMatch(/^ {2}0 connections waited on AWS after the first login$/m);
  });

  it('uses far fewer AWS calls than connections', () => {
    const match = /^ {2}(\d+) AWS calls? for ([\d,]+) connections$/m.exec(run.stdout);
    expect(match).not.toBeNull();
    const [awsCalls, connections] = [Number(match?.[1]), Number(match?.[2]?.replace(/,/g, ''))];
    expect(awsCalls).toBeGreaterThanOrEqual(2);
    expect(connections).toBeGreaterThan(awsCalls * 5);
  });

  it('cleans up and checked its own output for passwords', () => {
    expect(run.stdout).toContain('cleaned up: pool.end(), emulator.close(), postgres.stop().');
    expect(run.stdout).toMatch(/^passwords printed: 0 \(all output checked against [1-9]\d* secrets\)$/m);
  });
});

describe('npm run demo with a bad argument', () => {
  it('exits 2 with the reason and the usage', async () => {
    const run = await runDemo(['--seconds', 'soon']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--seconds must be a number of at least 0.1, not "soon".');
    expect(run.stderr).toContain('Usage: npm run demo');
    expect(run.stdout).toBe('');
  });
});

describe('the demo\'s password check (LeakGuard)', () => {
  function guardedStream(secrets: string[]): { stream: NodeJS.WriteStream; written: string[]; guard: LeakGuard } {
    const written: string[] = [];
    const stream = { write: (chunk: string | Uint8Array) => written.push(String(chunk)) > 0 } as unknown as NodeJS.WriteStream;
    const guard = new LeakGuard();
    guard.watch(() => secrets);
    guard.install(stream);
    return { stream, written, guard };
  }

  it('counts a secret written whole, in bytes, or split across writes, and passes the text on unchanged', () => {
    const secrets = ['AMAfirst+secret/1', 'AMAsecond+secret/2', 'AMAthird+secret/3'];
    const { stream, written, guard } = guardedStream(secrets);
    stream.write('nothing to see\n');
    expect(guard.printed).toBe(0);
    stream.write(`oops ${secrets[0]}\n`);
    stream.write(Buffer.from(`bytes ${secrets[1]}`));
    stream.write('split AMAthird+se');
    stream.write('cret/3 here');
    expect(guard.printed).toBe(3);
    expect(guard.watched).toBe(3);
    expect(written[1]).toBe(`oops ${secrets[0]}\n`);
  });

  it('sees secrets issued after it was installed', () => {
    const secrets: string[] = [];
    const { stream, guard } = guardedStream(secrets);
    stream.write('AMAlate');
    secrets.push('AMAlate');
    expect(guard.printed).toBe(0);
    stream.write('again AMAlate');
    expect(guard.printed).toBe(1);
  });
});
