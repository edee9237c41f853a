// The caller's public address, from an address service (default https://checkip.amazonaws.com,
// which answers the address as plain text). Tests point the setting to a local server.
import { addressCidr } from '../domain/temporaryAccess';

export async function publicAddress(service: string, signal?: AbortSignal): Promise<{ cidr: string }> {
  let url: URL;
  try {
    url = new URL(service);
  } catch {
    throw Object.assign(new Error(`The address service "${service}" is not a URL. Check the setting auroraSg.temporaryAccess.addressService.`), {
      name: 'UserError',
    });
  }
  let text: string;
  try {
    const r = await fetch(url, { signal: signal ?? AbortSignal.timeout(10_000), redirect: 'follow' });
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    text = (await r.text()).slice(0, 200);
  } catch (e) {
    throw Object.assign(
      new Error(
        `Could not find your public address at ${url.origin} (${(e as Error)?.message ?? e}). Check the network, or the setting auroraSg.temporaryAccess.addressService.`,
      ),
      { name: 'UserError' },
    );
  }
  const a = addressCidr(text);
  if ('error' in a) throw Object.assign(new Error(`${a.error} Check the setting auroraSg.temporaryAccess.addressService.`), { name: 'UserError' });
  return a;
}
