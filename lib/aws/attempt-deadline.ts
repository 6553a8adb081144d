import type { DeserializeMiddleware, MetadataBearer, MiddlewareStack } from '@smithy/types';

/**
 * Ends each attempt of one command after `timeoutMs`, response body included, with a retryable
 * `TimeoutError`.
 *
 * Why: the Node handler's `requestTimeout` stops counting when the headers arrive, and its
 * `socketTimeout` measures inactivity, so a body that trickles a byte every few seconds is never
 * timed out by either. This deadline wraps the handler and the parsing of the body.
 */
export function limitEachAttempt<Input extends object, Output extends MetadataBearer>(
  command: { middlewareStack: MiddlewareStack<Input, Output> },
  timeoutMs: number,
): void {
  // Attempts run one after another, so one slot holds the body of the attempt under way.
  let body: { destroy?: (error?: Error) => void } | undefined;
  const deadline: DeserializeMiddleware<Input, Output> = (next) => (args) => {
    body = undefined;
    const attempt = next(args);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const error = Object.assign(new Error(`The AWS answer did not complete within ${timeoutMs} ms.`), { name: 'TimeoutError' });
        body?.destroy?.(error);
        // The abandoned attempt settles later (its body was destroyed); nobody waits for it.
        attempt.catch(() => undefined);
        reject(error);
      }, timeoutMs);
      attempt.then(
        (result) => {
          clearTimeout(timer);
          resolve(result);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  };
  const captureBody: DeserializeMiddleware<Input, Output> = (next) => async (args) => {
    const result = await next(args);
    body = (result.response as { body?: typeof body } | undefined)?.body;
    return result;
  };
  // Outermost in the deserialize step, so the deadline covers the parser reading the body.
  command.middlewareStack.add(deadline, { step: 'deserialize', priority: 'high', name: 'pgRedshiftIamAttemptDeadline', override: true });
  // Innermost, so it sees the raw response before the parser reads it.
  command.middlewareStack.add(captureBody, { step: 'deserialize', priority: 'low', name: 'pgRedshiftIamCaptureBody', override: true });
}
