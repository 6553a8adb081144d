import type { DeserializeMiddleware, MetadataBearer, MiddlewareStack } from '@smithy/types';

/**
 * Watches one command's HTTP response for its `Date` header and returns a getter for it. The
 * credentials' lifetime is `Expiration - Date`, both in AWS's clock, so a skewed local clock cannot
 * shorten or stretch it.
 */
export function trackResponseDate<Input extends object, Output extends MetadataBearer>(command: {
  middlewareStack: MiddlewareStack<Input, Output>;
}): () => Date | undefined {
  let date: Date | undefined;
  const middleware: DeserializeMiddleware<Input, Output> = (next) => async (args) => {
    const result = await next(args);
    const headers = (result.response as { headers?: Record<string, string | undefined> } | undefined)?.headers;
    const value = headers?.date ?? headers?.Date;
    const parsed = value === undefined ? undefined : new Date(value);
    if (parsed !== undefined && !Number.isNaN(parsed.getTime())) date = parsed;
    return result;
  };
  command.middlewareStack.add(middleware, { step: 'deserialize', name: 'pgRedshiftIamResponseDate', override: true });
  return () => date;
}
