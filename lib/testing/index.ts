export { startTestPostgres, TestPostgresError } from './postgres';
export type { StartTestPostgresOptions, TestPostgres, TestPostgresProvider } from './postgres';
export * from './emulator';
