import { debuglog } from 'node:util';

/** `NODE_DEBUG=pg-redshift-iam` turns this on. It never receives secrets. */
export const debug = debuglog('pg-redshift-iam');
