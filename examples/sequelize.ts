/**
 * Sequelize (v6) on Redshift with IAM logins: `sequelizeOptions(...)` gives postgres options whose
 * pg Client logs every connection in with fresh IAM credentials, Sequelize's version check included.
 *
 * Runs against a local stand-in: `node --import tsx examples/sequelize.ts`. On Redshift, pass only
 * `{ host: '<cluster>.<id>.<region>.redshift.amazonaws.com', database: 'dev' }` (and `iam` options
 * where they cannot be inferred); AWS credentials come from the usual provider chain.
 */
import { DataTypes, QueryTypes, Sequelize } from 'sequelize';
import { sequelizeOptions } from '../lib';
import { runAgainstStandIn } from './stand-in';

runAgainstStandIn(async ({ redshift }) => {
  const options = sequelizeOptions(redshift);
  const sequelize = new Sequelize({ ...options, logging: false, pool: { max: 4 } });
  try {
    await sequelize.authenticate();
    const [{ user }] = await sequelize.query<{ user: string }>('SELECT current_user AS "user"', { type: QueryTypes.SELECT }) as [{ user: string }];
    console.log(`Sequelize: logged in as ${user}`);
    const Note = sequelize.define('Note', { body: DataTypes.STRING }, { tableName: 'sequelize_example_notes' });
    await Note.sync({ force: true });
    await Note.bulkCreate([{ body: 'hello' }, { body: 'redshift' }]);
    console.log(`Sequelize: found ${JSON.stringify((await Note.findAll({ order: [['id', 'ASC']] })).map((note) => note.get('body')))}`);
    await Note.drop();
  } finally {
    await sequelize.close();
    await options.credentials.close(); // Sequelize cannot do this for you
  }
});
