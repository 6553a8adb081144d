export { knexConnection } from './knex';
export type { KnexConnectionProvider, KnexPgConnectionSettings, KnexRedshiftConfig } from './knex';
export { typeormOptions } from './typeorm';
export type { TypeormPgDriver, TypeormRedshiftOptions } from './typeorm';
export { sequelizeBeforeConnect, sequelizeOptions } from './sequelize';
export type { SequelizeConnectionConfig, SequelizeRedshiftConfig, SequelizeRedshiftOptions } from './sequelize';
