// What the analysis needs beyond the tree's data: the EC2 instances of a Region (for "who carries
// this group"), and findings memoised per loaded snapshot. No `vscode` here; the analysis code loads on first use.
import type { Finding } from '../domain/analysis';
import { loadFeatures } from '../lazy';
import type { Ec2Instance, RegionIndex } from '../domain/model';

export class AnalysisState {
  private readonly ec2 = new Map<string, Promise<Ec2Instance[]>>();
  private readonly ec2Loaded = new Map<string, Ec2Instance[]>();
  private readonly memo = new WeakMap<RegionIndex, { ec2?: Ec2Instance[]; list: Finding[] }>();

  constructor(private readonly loadEc2: (region: string) => Promise<Ec2Instance[]>) {}

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

  /** The EC2 instances already loaded for a Region, without waiting. */
  loadedEc2(region: string): Ec2Instance[] | undefined {
    return this.ec2Loaded.get(region);
  }

  /** Findings of a loaded Region; computed once per snapshot (and again once EC2 data arrives). */
  findingsOf(region: string, idx: RegionIndex): Finding[] {
    const ec2 = this.ec2Loaded.get(region);
    const m = this.memo.get(idx);
    if (m && m.ec2 === ec2) return m.list;
    const list = loadFeatures().findings(idx, ec2 ? { ec2Instances: ec2 } : {});
    this.memo.set(idx, { ec2, list });
    return list;
  }

  reset(region?: string): void {
    if (region) {
      this.ec2.delete(region);
      this.ec2Loaded.delete(region);
    } else {
      this.ec2.clear();
      this.ec2Loaded.clear();
    }
  }
}
