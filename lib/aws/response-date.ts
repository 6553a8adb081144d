import type { DeserializeMiddleware, MetadataBearer, Pluggable } from '@smithy/types';

/**
 * A per-command plugin that reports the HTTP `Date` header of the response. The credentials'
 * lifetime is `Expiration - Date`, both in AWS's clock, so a skewed local clock cannot shorten or
 * stretch it.
 */
export function captureResponseDate<Input extends object, Output extends MetadataBearer>(onDate: (date: Date) => void): Pluggable<Input, Output> {
  const middleware: DeserializeMiddleware<Input, Output> = (next) => async (args) => {
    const result = await next(args);
    const headers = (result.response as { headers?: Record<string, string | undefined> } | undefined)?.headers;
    const value = headers?.date ?? headers?.Date;
    const date = value === undefined ? undefined : new Date(value);
    if (date !== undefined && !Number.isNaN(date.getTime())) onDate(date);
    return result;
  };
  return {
    applyToStack: (stack) => {
      stack.add(middleware, { step: 'deserialize', name: 'pgRedshiftIamResponseDate', override: true });
    },
  };
}
