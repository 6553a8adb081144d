export { startRedshiftEmulator } from './server';
export type {
  EmulatorCall,
  EmulatorCallParams,
  EmulatorCluster,
  EmulatorErrorCode,
  EmulatorFaultKind,
  EmulatorIdentities,
  EmulatorIdentity,
  EmulatorIdentityInput,
  EmulatorOperation,
  EmulatorPostgresSettings,
  EmulatorService,
  EmulatorWorkgroup,
  RedshiftEmulator,
  RedshiftEmulatorOptions,
} from './types';
