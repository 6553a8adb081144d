/* eslint-disable @typescript-eslint/no-require-imports -- the point of this module: see below. */
/**
 * The SDK packages, loaded on first use instead of at import: loading `@aws-sdk/client-redshift`
 * alone costs about as much CPU as `pg`, and a process that never logs in (or only uses one
 * service) should not pay for them. `require(...) as typeof import(...)` keeps the types; a dynamic
 * `import()` would make every caller async and breaks under jest. Node caches each module, so
 * later calls cost a map lookup.
 */

/** `@aws-sdk/client-redshift`. */
export const redshiftSdk = () => require('@aws-sdk/client-redshift') as typeof import('@aws-sdk/client-redshift');

/** `@aws-sdk/client-redshift-serverless`. */
export const serverlessSdk = () => require('@aws-sdk/client-redshift-serverless') as typeof import('@aws-sdk/client-redshift-serverless');

/** `@aws-sdk/credential-provider-node`: the default provider chain. */
export const defaultChainSdk = () => require('@aws-sdk/credential-provider-node') as typeof import('@aws-sdk/credential-provider-node');

/** `@aws-sdk/credential-providers`: `fromTemporaryCredentials` for role assumption. */
export const credentialProvidersSdk = () => require('@aws-sdk/credential-providers') as typeof import('@aws-sdk/credential-providers');

/** `@smithy/core`: identity memoization. */
export const smithyCore = () => require('@smithy/core') as typeof import('@smithy/core');

/** `@smithy/core/retry`: the standard retry strategy. */
export const smithyRetry = () => require('@smithy/core/retry') as typeof import('@smithy/core/retry');

/** This package's provisioned calls (they import the Redshift SDK's commands). */
export const provisionedCalls = () => require('./provisioned') as typeof import('./provisioned');

/** This package's Serverless call (it imports the Serverless SDK's command). */
export const serverlessCalls = () => require('./serverless') as typeof import('./serverless');
