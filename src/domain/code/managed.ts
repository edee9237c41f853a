// Infrastructure-as-code awareness: a group or database whose tags say a tool manages it (a
// CloudFormation stack, Terraform, ...). A change made here drifts from that source, and the
// source's next deploy may silently revert it.

/**
 * The default of auroraSg.managedByTags. Each entry is a tag key (any non-empty value marks the
 * resource) or `Key=Value` (that value, compared without regard to case).
 * aws:cloudformation:stack-name is set by CloudFormation itself on what a stack creates (CloudFormation
 * user guide, "Tag your CloudFormation resources": aws:cloudformation:stack-name, stack-id,
 * logical-id); the others are common conventions for Terraform, Pulumi, CDK and the like.
 */
export const DEFAULT_MANAGED_BY_TAGS: readonly string[] = ['aws:cloudformation:stack-name', 'ManagedBy', 'managed-by', 'managed_by', 'terraform=true'];

export interface ManagedBy {
  /** "CloudFormation stack orders-db", "terraform": for "managed by …". */
  readonly source: string;
  /** The tag that says so, as key=value. */
  readonly tag: string;
}

/** What manages a resource with these tags, by the first entry of `entries` that matches; undefined when none does. */
export function managedBy(tags: Readonly<Record<string, string>> | undefined, entries: readonly string[] = DEFAULT_MANAGED_BY_TAGS): ManagedBy | undefined {
  if (!tags) return undefined;
  const keys = Object.keys(tags);
  for (const raw of entries) {
    if (typeof raw !== 'string') continue;
    const eq = raw.indexOf('=');
    const key = (eq < 0 ? raw : raw.slice(0, eq)).trim();
    const want = eq < 0 ? undefined : raw.slice(eq + 1).trim();
    if (!key) continue;
    // Tag keys are case-sensitive in AWS; a configured key matches exactly, or else without regard to case.
    const found = keys.find((k) => k === key) ?? keys.find((k) => k.toLowerCase() === key.toLowerCase());
    if (found === undefined) continue;
    const value = tags[found].trim();
    if (!value || (want !== undefined && value.toLowerCase() !== want.toLowerCase())) continue;
    const tag = `${found}=${tags[found]}`;
    if (found.toLowerCase() === 'aws:cloudformation:stack-name') return { source: `CloudFormation stack ${value}`, tag };
    // `terraform=true`: the key names the tool; `ManagedBy=terraform`: the value does.
    return { source: want !== undefined && /^(true|yes|1)$/i.test(want) ? found : value, tag };
  }
  return undefined;
}

/** The drift warning of a confirmation, or '' when nothing manages the resource; `offersCode`: the confirmation has "Copy as Code Instead". */
export function driftWarning(what: string, m: ManagedBy | undefined, offersCode = true): string {
  if (!m) return '';
  return `${what} is managed by ${m.source} (tag ${m.tag}). This change will drift from its source: the next deploy may revert it. Prefer changing the source${offersCode ? '; "Copy as Code Instead" copies the change without making it' : ''}.`;
}
