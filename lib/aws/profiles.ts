import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Whether a profile of this name appears in the shared config or credentials file (the SDK's
 * `AWS_CONFIG_FILE` / `AWS_SHARED_CREDENTIALS_FILE` conventions). Home-made because the SDK's chain
 * reports a missing profile and a profile without credentials with the same message. Only called
 * after the chain failed, to choose the message.
 */
export function profileExists(profile: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const home = env.HOME ?? env.USERPROFILE ?? homedir();
  const configFile = env.AWS_CONFIG_FILE ?? join(home, '.aws', 'config');
  const credentialsFile = env.AWS_SHARED_CREDENTIALS_FILE ?? join(home, '.aws', 'credentials');
  const escaped = profile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // config names sections "[profile name]" (and "[default]"); credentials names them "[name]".
  const inConfig = new RegExp(`^\\s*\\[\\s*(?:profile\\s+)?${escaped}\\s*\\]`, 'm');
  const inCredentials = new RegExp(`^\\s*\\[\\s*${escaped}\\s*\\]`, 'm');
  return inConfig.test(readOrEmpty(configFile)) || inCredentials.test(readOrEmpty(credentialsFile));
}

function readOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
