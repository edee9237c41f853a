// What the analysis needs beyond the tree's data: the EC2 instances of a Region (for "who carries
// this group"), and findings memoised per loaded snapshot. No `vscode` here, and no knowledge of
// how the extension is bundled: the composition root injects the EC2 reader and the findings pass.
import type { AnalysisOptions, Finding } from '../domain/analysis';
import type { Ec2Instance, RegionIndex } from '../domain/model';
import { databasePrefixLists, NetworkIndex, type NetworkSnapshot } from '../domain/network';

export type FindingsPass = (idx: RegionIndex, o: AnalysisOptions) => Finding[];
/** Reads the network part of a Region; `prefixListIds`: the lists the databases' rules use. */
export type NetworkReader = (region: string, prefixListIds: readonly string[]) => Promise<NetworkSnapshot>;

export class AnalysisState {
  private readonly ec2 = new Map<string, Promise<Ec2Instance[]>>();
  private readonly ec2Loaded = new Map<string, Ec2Instance[]>();
  private readonly memo = new WeakMap<RegionIndex, { ec2?: Ec2Instance[]; net?: NetworkIndex; list: Finding[] }>();
  private readonly net = new Map<string, Promise<NetworkIndex>>();
  private readonly netLoaded = new Map<string, NetworkIndex>();

  constructor(
    private readonly loadEc2: (region: string) => Promise<Ec2Instance[]>,
    private readonly computeFindings: FindingsPass,
    private readonly loadNetwork?: NetworkReader,
    /** Told on reset, so a reader's caches (prefix list entries) are dropped with the rest. */
    private readonly onReset?: (region?: string) => void,
  ) {}

  /**
   * The network part of a Region (subnets, route tables, ACLs): one read, shared, until reset;
   * asked after the tree's load (never part of it). Undefined when no reader was given.
   */
  network(region: string, idx: RegionIndex): Promise<NetworkIndex | undefined> {
    if (!this.loadNetwork) return Promise.resolve(undefined);
    let p = this.net.get(region);
    if (!p) {
      p = this.loadNetwork(region, databasePrefixLists(idx)).then(
        (snap) => {
          const n = new NetworkIndex(snap);
          this.netLoaded.set(region, n);
          return n;
        },
        (e) => {
          this.net.delete(region);
          throw e;
        },
      );
      this.net.set(region, p);
    }
    return p;
  }

  /** The network part already read for the Region, if any (for passes that must not wait). */
  networkLoaded(region: string): NetworkIndex | undefined {
    return this.netLoaded.get(region);
  }

  /** EC2 instances of a Region: one DescribeInstances read, shared, until reset. */
  ec2Instances(region: string): Promise<Ec2Instance[]> {
    let p = this.ec2.get(region);
    if (!p) {
      p = this.loadEc2(region).then(
        (list) => {
          this.ec2Loaded.set(region, list);
          return list;
        },
        (e) => {
          this.ec2.delete(region);
          throw e;
        },
      );
      this.ec2.set(region, p);
    }
    return p;
  }

  /** Findings of a loaded Region; computed once per snapshot (and again once EC2 data arrives). */
  findingsOf(region: string, idx: RegionIndex): Finding[] {
    const ec2 = this.ec2Loaded.get(region);
    const net = this.netLoaded.get(region);
    const m = this.memo.get(idx);
    if (m && m.ec2 === ec2 && m.net === net) return m.list;
    const list = this.computeFindings(idx, { ...(ec2 ? { ec2Instances: ec2 } : {}), ...(net ? { network: net } : {}) });
    this.memo.set(idx, { ec2, net, list });
    return list;
  }

  /** The findings already computed for this snapshot, without computing anything (for callbacks that must stay cheap). */
  computed(idx: RegionIndex): readonly Finding[] | undefined {
    return this.memo.get(idx)?.list;
  }

  reset(region?: string): void {
    this.onReset?.(region);
    if (region) {
      this.ec2.delete(region);
      this.ec2Loaded.delete(region);
      this.net.delete(region);
      this.netLoaded.delete(region);
    } else {
      this.ec2.clear();
      this.ec2Loaded.clear();
      this.net.clear();
      this.netLoaded.clear();
    }
  }
}
