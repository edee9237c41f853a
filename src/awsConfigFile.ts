// Reads a profile's Region from the shared config file without loading the AWS SDK, so the
// status bar and the tree can show the effective Region at start-up at no cost.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** INI sections of the shared config file: 'default', 'profile x' -> 'x', 'sso-session y' kept as is. */
export function parseIni(text: string): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  let current: Record<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/^\s+|\s+$/g, '');
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[([^\]]+)\]$/.exec(line);
    if (section) {
      const name = section[1].trim().replace(/^profile\s+/, '');
      current = out.get(name) ?? {};
      out.set(name, current);
      continue;
    }
    const eq = line.indexOf('=');
    if (current && eq > 0 && !/^\s/.test(raw)) current[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return out;
}

export function profileRegion(profile: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const file = env.AWS_CONFIG_FILE ?? path.join(os.homedir(), '.aws', 'config');
  try {
    const ini = parseIni(fs.readFileSync(file, 'utf8'));
    return ini.get(profile ?? env.AWS_PROFILE ?? 'default')?.region;
  } catch {
    return undefined;
  }
}
