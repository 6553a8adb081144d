import type { OperationHandler } from './context';
import { CREDENTIALS_OPERATIONS } from './credentials-operations';
import { DISCOVERY_OPERATIONS } from './discovery';
import { STS_OPERATIONS } from './sts';
import type { EmulatorOperation } from './types';

/** Every implemented operation; each protocol serves only its own (see its operation list). */
export const OPERATIONS: Readonly<Record<EmulatorOperation, OperationHandler>> = {
  ...CREDENTIALS_OPERATIONS,
  ...DISCOVERY_OPERATIONS,
  ...STS_OPERATIONS,
};

export { authorizationTarget } from './credentials-operations';
