// The after-all check of a suite that runs through the AWS-rules layer (test/harness/awsRules.ts).
import type { FaultProxy, RecordedRequest } from './faultProxy';

const MODIFY_WITH_APPLY = new Set(['ModifyDBCluster', 'ModifyDBInstance']);

/**
 * The after-all check of a suite that ran through the rules layer: no ModifyDBCluster/ModifyDBInstance
 * with ApplyImmediately=true (the project's rule; the layer refuses it, this makes a refusal a test
 * swallowed still fail the run), and no call refused by a rule unless `expected` accepts it.
 */
export function auditAwsRules(requests: readonly RecordedRequest[], expected: (r: RecordedRequest) => boolean = () => false): string[] {
  const problems: string[] = [];
  for (const r of requests) {
    if (MODIFY_WITH_APPLY.has(r.action) && r.params.get('ApplyImmediately')?.toLowerCase() === 'true') {
      problems.push(`#${r.seq} ${r.action} was sent with ApplyImmediately=true`);
    } else if (r.refusedBy && !expected(r)) {
      problems.push(`#${r.seq} ${r.action} was refused by the AWS rule "${r.refusedBy}" (AWS would refuse it too)`);
    }
  }
  return problems;
}

/**
 * A suite's audit: `expectRefusal` declares a refusal a test provokes on purpose (by action, and
 * optionally by rule name); `check` throws listing everything else the layer refused, and every
 * ApplyImmediately=true, so product code that AWS would refuse fails the run even if a test swallowed it.
 */
export function rulesAudit(proxy: FaultProxy): { expectRefusal(action: string, rule?: string): void; check(): void } {
  const expected = proxy.expectedRefusals;
  return {
    expectRefusal(action, rule) {
      expected.push({ action, rule });
    },
    check() {
      const problems = auditProxy(proxy);
      if (problems.length > 0) throw new Error(`the AWS-rules layer saw calls AWS would refuse:\n  ${problems.join('\n  ')}`);
    },
  };
}

/** The audit of everything a proxy saw, accepting the refusals declared on it (`expectedRefusals`). */
export function auditProxy(proxy: FaultProxy): string[] {
  return auditAwsRules(proxy.requests, (r) => proxy.expectedRefusals.some((e) => e.action === r.action && (!e.rule || e.rule === r.refusedBy)));
}
