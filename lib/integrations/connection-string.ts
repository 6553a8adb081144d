import { invalidOption } from '../errors';

/**
 * Knex and Sequelize hand plain settings to `new pg.Client(...)`, where a `connectionString`
 * overrides an explicit user and password with its own (empty) ones, so the IAM login would be lost.
 */
export function rejectConnectionString(config: object, helper: string): void {
  if (config !== null && typeof config === 'object' && 'connectionString' in config && config.connectionString !== undefined) {
    throw invalidOption('connectionString', `${helper} does not support it: pg lets it override the IAM user and password`, 'Set host, port and database instead.');
  }
}
