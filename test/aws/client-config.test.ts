import { DEFAULT_REQUEST_HANDLER, sdkClientConfig } from '../../lib/aws/client-config';

describe('the SDK handler settings', () => {
  it('set a socket timeout by default, and keep it when the user sets other handler options', () => {
    expect(sdkClientConfig({}).requestHandler).toEqual(DEFAULT_REQUEST_HANDLER);
    expect(DEFAULT_REQUEST_HANDLER.socketTimeout).toBeGreaterThan(0);
    expect(sdkClientConfig({ clientConfig: { requestHandler: { requestTimeout: 2_000 } } }).requestHandler).toEqual({
      ...DEFAULT_REQUEST_HANDLER,
      requestTimeout: 2_000,
    });
  });
});
