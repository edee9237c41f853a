// Access analysis over one Region: who can reach a database, why a path is open or closed, and
// what in the security groups deserves a look (findings). Pure functions over a RegionIndex: no
// vscode, no AWS SDK. The parts:
//   target.ts    the database resolved to its port and groups; allowsTcpPort; shared lookups
//   reach.ts     whoCanReach
//   path.ts      explainPath, the path engine (also behind the walkthrough's verification)
//   findings.ts  findings(), one rule per finding kind
//   shadowed.ts  the tuned scan behind findings (per-rule facts, shadowed rules)
export { allowsTcpPort, defaultPortFor, resolveDbTarget, type AnalysisOptions, type DbTarget, type ResolvedTarget } from './target';
export { whoCanReach, type ReachCidr, type ReachGroup, type Reachability, type ReachPrefixList, type ReachRule } from './reach';
export { explainPath, type MissingRule, type PathExplanation, type PathHop, type PathSource } from './path';
export { accessLostBy, lostAccessText, narrowerReplacements, type AccessChange, type LostAccess, type Replacement } from './lostAccess';
export { findings, NEAR_QUOTA_RULES, type Finding, type FindingFix, type FindingKind, type Severity } from './findings';
