import { resolveTarget } from '../../lib/options/validate';
import { RedshiftIamError } from '../../lib/errors';
import type { RedshiftCredentialsOptions } from '../../lib/options/types';
import { thrownBy } from '../setup/thrown-by';

const base = { clusterIdentifier: 'c1', region: 'us-east-1' };

describe('fetchTimeoutSeconds, waitTimeoutSeconds, keepWarm', () => {
  it('default to 30 s, 60 s and true', () => {
    expect(resolveTarget(base)).toMatchObject({ fetchTimeoutSeconds: 30, waitTimeoutSeconds: 60, keepWarm: true });
  });

  it('take valid values', () => {
    expect(resolveTarget({ ...base, fetchTimeoutSeconds: 2.5, waitTimeoutSeconds: 600, keepWarm: false })).toMatchObject({ fetchTimeoutSeconds: 2.5, waitTimeoutSeconds: 600, keepWarm: false });
  });

  it.each([
    ['fetchTimeoutSeconds', 0], ['fetchTimeoutSeconds', -1], ['fetchTimeoutSeconds', Number.NaN], ['fetchTimeoutSeconds', Number.POSITIVE_INFINITY], ['fetchTimeoutSeconds', '30'], ['fetchTimeoutSeconds', 3601],
    ['waitTimeoutSeconds', 0], ['waitTimeoutSeconds', '60'], ['waitTimeoutSeconds', 86_400],
    ['keepWarm', 'yes'], ['keepWarm', 1],
  ])('refuse %s: %p with INVALID_OPTION naming it', (option, value) => {
    const error = thrownBy(() => resolveTarget({ ...base, [option]: value } as RedshiftCredentialsOptions, 'iam.'));
    expect(error).toBeInstanceOf(RedshiftIamError);
    expect(error).toMatchObject({ code: 'INVALID_OPTION', option: `iam.${option}` });
  });
});
