import { ApiError } from './errors';
import type { EmulatorCallParams } from './types';

/** A string member; an empty string counts as absent, as the SDK sends it for unset members. */
export function optionalString(params: EmulatorCallParams, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new ApiError('invalidParameter', `Invalid value for ${name}.`);
  return value;
}

export function optionalBoolean(params: EmulatorCallParams, name: string): boolean | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw new ApiError('invalidParameter', `Invalid value for ${name}: ${String(value)}.`);
  return value;
}

export function stringList(params: EmulatorCallParams, name: string): readonly string[] {
  const value = params[name];
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new ApiError('invalidParameter', `Invalid value for ${name}.`);
  return value;
}
