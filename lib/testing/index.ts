export { startTestPostgres, TestPostgresError } from './postgres';
export type { StartTestPostgresOptions, TestPostgres, TestPostgresProvider } from './postgres';
export { startRedshiftEmulator } from './emulator';
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
} from './emulator';
