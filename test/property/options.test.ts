import fc from 'fast-check';
import {
  createRedshiftCredentials,
  createRedshiftPool,
  redshiftPoolConfig,
  RedshiftIamError,
  type CredentialsApi,
  type RedshiftIamOptions,
} from '../../lib';
import { REDSHIFT_RESERVED_WORDS } from '../../lib/options/reserved-words';
import { startStandIn, type StandIn } from '../setup/stand-in';

// Validation is synchronous and local: whatever it is given, it either accepts or throws an
// INVALID_OPTION RedshiftIamError naming the option, and never calls AWS. An emulator stands ready
// (also as the SDK's default endpoint through the environment) so that any call would be seen.
const NAME = 'property-options';
let standIn: StandIn;
const savedEnv = { ...process.env };

beforeAll(async () => {
  standIn = await startStandIn(NAME);
  Object.assign(process.env, standIn.emulator.environment());
  delete process.env.PGHOST;
  delete process.env.PGDATABASE;
  delete process.env.PGPORT;
  delete process.env.PGSSLMODE;
});
afterAll(async () => {
  process.env = savedEnv;
  await standIn.close();
});
afterEach(() => {
  expect(standIn.emulator.calls).toEqual([]);
});

type Outcome = { accepted: true } | { accepted: false; error: unknown };

interface Factory {
  readonly name: string;
  /** Creates the thing from `input`, then releases it. */
  attempt(input: unknown): Promise<Outcome>;
  /** Wraps IAM options (plus host/database) the way this factory takes them. */
  wrap(iam: Record<string, unknown>, connection: { host?: string; database: string }): Record<string, unknown>;
  /** The name errors use for an IAM option. */
  iamOption(key: string): string;
}

async function settle(create: () => () => Promise<void> | void): Promise<Outcome> {
  let release: () => Promise<void> | void;
  try {
    release = create();
  } catch (error) {
    return { accepted: false, error };
  }
  await release();
  return { accepted: true };
}

const FACTORIES: readonly Factory[] = [
  {
    name: 'createRedshiftCredentials',
    attempt: (input) => settle(() => {
      const engine = createRedshiftCredentials(input as Parameters<typeof createRedshiftCredentials>[0]);
      return () => engine.close();
    }),
    wrap: (iam, connection) => ({ ...iam, ...connection }),
    iamOption: (key) => key,
  },
  {
    name: 'redshiftPoolConfig',
    attempt: (input) => settle(() => {
      const options = redshiftPoolConfig(input as Parameters<typeof redshiftPoolConfig>[0]);
      return () => options.credentials.close();
    }),
    wrap: (iam, connection) => ({ ...connection, iam }),
    iamOption: (key) => `iam.${key}`,
  },
  {
    name: 'createRedshiftPool',
    attempt: (input) => settle(() => {
      const pool = createRedshiftPool(input as Parameters<typeof createRedshiftPool>[0]);
      return () => pool.end();
    }),
    wrap: (iam, connection) => ({ ...connection, iam }),
    iamOption: (key) => `iam.${key}`,
  },
];

/** The only acceptable failure: INVALID_OPTION naming the option, in `option` and in the message. */
function expectOptionError(error: unknown): RedshiftIamError {
  expect(error).toBeInstanceOf(RedshiftIamError);
  const optionError = error as RedshiftIamError;
  expect(optionError.code).toBe('INVALID_OPTION');
  expect(optionError.option).toEqual(expect.any(String));
  expect(optionError.message).toContain(`option ${optionError.option}`);
  return optionError;
}

// --- valid forms, as AWS defines them --------------------------------------------------------

const IAM_KEYS = ['clusterIdentifier', 'workgroupName', 'region', 'dbUser', 'autoCreate', 'dbGroups', 'customDomainName',
  'durationSeconds', 'refreshWindowSeconds', 'credentials', 'profile', 'endpoint', 'clientConfig'] as const;

const clusterIdentifier = fc
  .tuple(fc.stringMatching(/^[a-zA-Z]$/), fc.array(fc.stringMatching(/^-?[a-zA-Z0-9]$/), { maxLength: 31 }))
  .map(([first, rest]) => `${first}${rest.join('')}`)
  .filter((id) => id.length <= 63);
const workgroupName = fc.stringMatching(/^[a-z0-9-]{3,64}$/);
const region = fc.constantFrom('us-east-1', 'us-west-2', 'eu-central-1', 'ap-southeast-2', 'cn-north-1', 'us-gov-west-1', 'us-iso-east-1', 'eusc-de-east-1');
const dbIdentifier = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_+.@-]{0,63}$/).filter((name) => !REDSHIFT_RESERVED_WORDS.has(name.toUpperCase()));
const customDomainName = fc.domain().filter((domain) => /\.[a-z]{2,63}$/.test(domain));
const staticCredentials = fc.record(
  { accessKeyId: fc.stringMatching(/^AKIA[A-Z0-9]{16}$/), secretAccessKey: fc.string({ minLength: 1 }), sessionToken: fc.string() },
  { requiredKeys: ['accessKeyId', 'secretAccessKey'] },
);
const credentialsOption = fc.oneof(staticCredentials, fc.constant(async () => ({ accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' })));
const lifetime = fc.integer({ min: 900, max: 3600 });

/** A valid target: which API it selects and the options that say so. */
const target: fc.Arbitrary<{ api: CredentialsApi; options: RedshiftIamOptions; host?: string }> = fc.oneof(
  fc.record({ clusterIdentifier, region: fc.option(region, { nil: undefined }) }).map(({ clusterIdentifier: id, region: r }) => ({
    api: 'GetClusterCredentialsWithIAM' as const, options: { clusterIdentifier: id, ...(r === undefined ? {} : { region: r }) },
  })),
  fc.record({ clusterIdentifier, dbUser: dbIdentifier, autoCreate: fc.option(fc.boolean(), { nil: undefined }), dbGroups: fc.option(fc.array(dbIdentifier, { maxLength: 3 }), { nil: undefined }) })
    .map((options) => ({ api: 'GetClusterCredentials' as const, options: withoutUndefined(options) })),
  fc.record({ workgroupName, region: fc.option(region, { nil: undefined }) }).map(({ workgroupName: name, region: r }) => ({
    api: 'GetCredentials' as const, options: { workgroupName: name, ...(r === undefined ? {} : { region: r }) },
  })),
  fc.record({ customDomainName }).map((options) => ({ api: 'GetClusterCredentialsWithIAM' as const, options })),
  fc.tuple(clusterIdentifier, fc.stringMatching(/^[a-z0-9]{6,12}$/), region).map(([id, unique, r]) => ({
    api: 'GetClusterCredentialsWithIAM' as const, options: {}, host: `${id}.${unique}.${r}.redshift.${r.startsWith('cn-') ? 'amazonaws.com.cn' : r.startsWith('eusc-') ? 'amazonaws.eu' : r.startsWith('us-iso-') ? 'c2s.ic.gov' : 'amazonaws.com'}`,
  })),
  fc.tuple(workgroupName, fc.stringMatching(/^\d{12}$/)).map(([name, account]) => ({
    api: 'GetCredentials' as const, options: {}, host: `${name}.${account}.us-east-1.redshift-serverless.amazonaws.com`,
  })),
);

/** The options that apply to every target, each present or not. */
const common = fc.record(
  {
    durationSeconds: lifetime,
    refreshWindowSeconds: fc.double({ min: 0, max: 899, noNaN: true }),
    credentials: credentialsOption,
    profile: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
    endpoint: fc.webUrl({ validSchemes: ['http', 'https'] }),
    clientConfig: fc.record({ maxAttempts: fc.integer({ min: 1, max: 10 }) }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);

const validConfig = fc.record({ target, common, database: dbIdentifier }).map(({ target: t, common: c, database }) => ({
  api: t.api,
  iam: { ...t.options, ...c } as Record<string, unknown>,
  connection: { ...(t.host === undefined ? {} : { host: t.host }), database },
}));

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

// --- mutations of a valid config --------------------------------------------------------------

type Mutation =
  | { where: 'iam'; key: string; value: unknown }
  | { where: 'iam'; key: string; remove: true }
  | { where: 'top'; key: string; value: unknown };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ where: fc.constant('iam' as const), key: fc.oneof(fc.constantFrom(...IAM_KEYS), fc.string()), value: fc.anything() }),
  fc.record({ where: fc.constant('iam' as const), key: fc.constantFrom(...IAM_KEYS), remove: fc.constant(true as const) }),
  fc.record({
    where: fc.constant('top' as const),
    key: fc.oneof(fc.constantFrom('host', 'port', 'database', 'user', 'password', 'connectionString', 'ssl', 'Client', 'iam', 'max'), fc.string()),
    value: fc.anything(),
  }),
);

function mutate(factory: Factory, config: { iam: Record<string, unknown>; connection: { host?: string; database: string } }, change: Mutation): Record<string, unknown> {
  const iam = { ...config.iam };
  if (change.where === 'iam') {
    if ('remove' in change) delete iam[change.key];
    else iam[change.key] = change.value;
    return factory.wrap(iam, config.connection);
  }
  const wrapped = factory.wrap(iam, config.connection);
  // For the engine alone, "top level" is the IAM options plus host and database.
  wrapped[change.key] = change.value;
  return wrapped;
}

describe.each(FACTORIES.map((factory) => [factory.name, factory] as const))('%s (property)', (_name, factory) => {
  it('throws nothing but INVALID_OPTION for any value at all', async () => {
    await fc.assert(fc.asyncProperty(fc.anything(), async (input) => {
      const outcome = await factory.attempt(input);
      if (!outcome.accepted) expectOptionError(outcome.error);
    }), { numRuns: 300 });
  });

  it('throws nothing but INVALID_OPTION for arbitrary objects, also with an arbitrary iam object', async () => {
    const objects = fc.oneof(
      fc.object(),
      fc.record({ database: fc.oneof(dbIdentifier, fc.anything()), host: fc.anything(), iam: fc.object() }, { requiredKeys: [] }),
      fc.record({ database: dbIdentifier, iam: fc.dictionary(fc.constantFrom(...IAM_KEYS), fc.anything()) }),
    );
    await fc.assert(fc.asyncProperty(objects, async (input) => {
      const outcome = await factory.attempt(input);
      if (!outcome.accepted) expectOptionError(outcome.error);
    }), { numRuns: 300 });
  });

  it('accepts every valid form, and selects the API the options call for', async () => {
    await fc.assert(fc.asyncProperty(validConfig, async (config) => {
      const input = factory.wrap(config.iam, config.connection);
      const outcome = await factory.attempt(input);
      if (!outcome.accepted) throw outcome.error;
      if (factory.name === 'createRedshiftCredentials') {
        const engine = createRedshiftCredentials(input);
        try {
          expect(engine.target?.api).toBe(config.api);
        } finally {
          await engine.close();
        }
      }
    }), { numRuns: 300 });
  });

  it('on a mutated valid config, throws nothing but INVALID_OPTION, naming the option that was changed', async () => {
    await fc.assert(fc.asyncProperty(validConfig, mutation, async (config, change) => {
      const outcome = await factory.attempt(mutate(factory, config, change));
      if (outcome.accepted) return;
      const error = expectOptionError(outcome.error);
      // Invalid IAM values are blamed on themselves; a removed one (or one set to undefined, which
      // is the same as leaving it out) on what it leaves missing.
      const removed = 'remove' in change || change.value === undefined;
      if (change.where === 'iam' && !removed && IAM_KEYS.includes(change.key as (typeof IAM_KEYS)[number])) {
        // Both a cluster and a workgroup: the message names both, the error one of them.
        const targets = ['clusterIdentifier', 'workgroupName'];
        if (targets.includes(change.key) && /not both/.test(error.message)) {
          expect(targets.map((key) => factory.iamOption(key))).toContain(error.option);
        } else {
          expect(error.option).toBe(factory.iamOption(change.key));
        }
      }
    }), { numRuns: 500 });
  });
});
