import { stat } from 'node:fs/promises';
import { dirname, parse, resolve } from 'node:path';

/** An OS user other than the current one, by numeric ids. */
export interface OsUser {
  readonly uid: number;
  readonly gid: number;
}

/**
 * The first directory on the way to `path` (itself included) that `user` cannot enter, or
 * undefined when every one of them grants it search permission. Judged by owner, group and mode
 * bits only: a supplementary group or an ACL may still let the user in, in which case the caller
 * fails later, at spawn, with the same advice.
 */
export async function firstClosedDirectory(path: string, user: OsUser): Promise<string | undefined> {
  const chain: string[] = [];
  const root = parse(resolve(path)).root;
  for (let dir = resolve(path); ; dir = dirname(dir)) {
    chain.unshift(dir);
    if (dir === root) break;
  }
  for (const dir of chain) {
    const info = await stat(dir);
    if (!allows(info, user, 0o1)) return dir;
  }
  return undefined;
}

/** Whether the mode bits grant `user` the permission `bit` (4 read, 2 write, 1 execute/search). */
export function allows(info: { mode: number; uid: number; gid: number }, user: OsUser, bit: number): boolean {
  if (user.uid === 0) return true;
  if (info.uid === user.uid) return (info.mode & (bit << 6)) !== 0;
  if (info.gid === user.gid) return (info.mode & (bit << 3)) !== 0;
  return (info.mode & bit) !== 0;
}
