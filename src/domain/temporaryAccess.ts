// Temporary access: an inbound rule for one address that records, in its description, when it
// expires and who added it ("temporary until 2026-12-02T18:00Z by arn:aws:iam::…:user/ana").
// Plain data: no VS Code, no AWS SDK. The description is the only state, so any window, or a
// colleague's, can see the expiry and revoke the rule; nothing is kept on this machine.
//
// EC2 API Reference, IpRange / SecurityGroupRule Description: "Constraints: Up to 255 characters
// in length. Allowed characters are a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=&;{}!$*".
import type { RegionIndex, SecurityGroupRule } from './model';

export const MAX_DESCRIPTION = 255;
const ALLOWED = /[^a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]/g;
const PREFIX = 'temporary until ';
// Exactly what encode writes: minutes, UTC; a caller of allowed characters, no spaces.
const PATTERN = /^temporary until (\d{4}-\d{2}-\d{2}T\d{2}:\d{2})Z by ([^\s]+)$/;

/** The durations offered first (minutes). */
export const DURATIONS: readonly { readonly label: string; readonly minutes: number }[] = [
  { label: '30 minutes', minutes: 30 },
  { label: '1 hour', minutes: 60 },
  { label: '4 hours', minutes: 240 },
  { label: '1 day', minutes: 1440 },
];
export const MAX_MINUTES = 7 * 24 * 60;

export interface TemporaryMark {
  /** Epoch milliseconds. */
  readonly expiresAt: number;
  readonly caller: string;
}

/** "2026-12-02T18:00": an instant rounded up to the next whole minute, UTC. */
function minuteText(ms: number): string {
  const up = Math.ceil(ms / 60_000) * 60_000;
  return new Date(up).toISOString().slice(0, 16);
}

/** A caller as it may stand in a description: disallowed characters replaced, shortened to fit. */
export function descriptionSafe(caller: string, room: number): string {
  // Spaces are allowed by AWS but would end the caller: they become '_' too.
  const clean = caller.replace(ALLOWED, '_').replace(/\s/g, '_') || 'unknown';
  return clean.length <= room ? clean : `${clean.slice(0, Math.max(1, room - 3))}...`;
}

/** The description of a temporary rule: within AWS's 255 characters and allowed characters. */
export function encodeTemporary(expiresAt: number, caller: string): string {
  const head = `${PREFIX}${minuteText(expiresAt)}Z by `;
  return head + descriptionSafe(caller, MAX_DESCRIPTION - head.length);
}

/**
 * The mark of a temporary rule, or undefined for any other description: only the exact form
 * encodeTemporary writes counts, so a description a user wrote ("temporary until the migration")
 * is never taken for an expiry.
 */
export function decodeTemporary(description: string | undefined): TemporaryMark | undefined {
  const m = description ? PATTERN.exec(description) : null;
  if (!m) return undefined;
  const expiresAt = Date.parse(`${m[1]}:00Z`);
  if (!Number.isFinite(expiresAt) || minuteText(expiresAt) !== m[1]) return undefined;
  return { expiresAt, caller: m[2]! };
}

/** "42 min left", "3 h 5 min left", "2 days left", or "expired 5 min ago". */
export function timeLeftText(expiresAt: number, now: number): string {
  const ms = expiresAt - now;
  const span = (x: number) => {
    const min = Math.max(1, Math.round(x / 60_000));
    if (min < 60) return `${min} min`;
    if (min < 48 * 60) return `${Math.floor(min / 60)} h${min % 60 ? ` ${min % 60} min` : ''}`;
    return `${Math.round(min / 1440)} days`;
  };
  return ms > 0 ? `${span(ms)} left` : `expired ${span(-ms)} ago`;
}

/**
 * A duration the user typed, in minutes: "90", "90m", "2h", "1.5h", "1d", "1h30m". Between one
 * minute and seven days; anything else is an error message saying what is accepted.
 */
export function parseDuration(text: string): { minutes: number } | { error: string } {
  const t = text.trim().toLowerCase().replace(/\s+/g, '');
  const accepted = 'Type a duration such as 45m, 2h, 1h30m or 1d (at most 7 days).';
  if (!t) return { error: accepted };
  let minutes = 0;
  if (/^\d+$/.test(t)) minutes = Number(t);
  else {
    const re = /(\d+(?:\.\d+)?)(d|h|m|min)/gy;
    let m: RegExpExecArray | null;
    let at = 0;
    while ((m = re.exec(t))) {
      minutes += Number(m[1]) * (m[2] === 'd' ? 1440 : m[2] === 'h' ? 60 : 1);
      at = re.lastIndex;
    }
    if (at !== t.length) return { error: `"${text.trim()}" is not a duration. ${accepted}` };
  }
  minutes = Math.round(minutes);
  if (minutes < 1) return { error: `A duration of at least 1 minute is needed. ${accepted}` };
  if (minutes > MAX_MINUTES) return { error: `${text.trim()} is longer than 7 days: temporary access is for hours, not weeks. ${accepted}` };
  return { minutes };
}

/** An address the IP service answered, as the CIDR of one address (/32 or /128), or an error. */
export function addressCidr(answer: string): { cidr: string } | { error: string } {
  const a = answer.trim();
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(a);
  if (v4 && v4.slice(1).every((x) => Number(x) <= 255 && String(Number(x)) === x)) return { cidr: `${a}/32` };
  if (/^[0-9a-f:]+$/i.test(a) && a.includes(':') && !a.includes(':::') && a.length <= 39 && (a.match(/::/g) ?? []).length <= 1) {
    const groups = a.split(':');
    if (groups.every((g) => g.length <= 4) && (a.includes('::') ? groups.length <= 8 : groups.length === 8)) return { cidr: `${a.toLowerCase()}/128` };
  }
  return { error: `The address service answered "${a.slice(0, 60)}", which is not an IP address.` };
}

export interface TemporaryRule {
  readonly rule: SecurityGroupRule;
  readonly mark: TemporaryMark;
}

/** Every temporary inbound rule of a loaded Region, soonest expiry first. */
export function temporaryRules(idx: RegionIndex): TemporaryRule[] {
  const out: TemporaryRule[] = [];
  for (const rule of idx.snapshot.rules) {
    if (rule.isEgress) continue;
    const mark = decodeTemporary(rule.description);
    if (mark) out.push({ rule, mark });
  }
  return out.sort((a, b) => a.mark.expiresAt - b.mark.expiresAt);
}

/** When the next of these rules expires (undefined: none). */
export function nextExpiry(rules: readonly TemporaryRule[], now: number): number | undefined {
  let next: number | undefined;
  for (const r of rules) if (r.mark.expiresAt > now && (next === undefined || r.mark.expiresAt < next)) next = r.mark.expiresAt;
  return next;
}
