/**
 * Registers jest hooks that clear `PGHOST` and `PGPORT` before each test (so that a pool without a
 * host looks its address up, whatever the shell set) and restore the environment after it.
 */
export function withoutPgHostEnv(): void {
  const saved = { ...process.env };
  beforeEach(() => {
    delete process.env.PGHOST;
    delete process.env.PGPORT;
  });
  afterEach(() => {
    process.env = { ...saved };
  });
}
