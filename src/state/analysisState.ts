// What the analysis needs beyond the tree's data: the EC2 instances of a Region (for "who carries
// this group"), and findings memoised per loaded snapshot. No `vscode` here, and no knowledge of
// how the extension is bundled: the composition root injects the EC2 reader and the findings pass.
import type { AnalysisOptions, Finding } from '../domain/analysis';
import type { Ec2Instance, RegionIndex } from '../domain/model';

export type FindingsPass = (idx: RegionIndex, o: AnalysisOptions) => Finding[];

export class AnalysisState {
  private readonly ec2 = new Map<string, Promise<Ec2Instance[]>>();
  private readonly ec2Loaded = new Map<string, Ec2Instance[]>();
  private readonly memo = new WeakMap<RegionIndex, { ec2?: Ec2Instance[]; list: Finding[] }>();

  constructor(
    private readonly loadEc2: (region: string) => Promise<Ec2Instance[]>,
    private readonly computeFindings: FindingsPass,
  ) {}

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
    const m = this.memo.get(idx);
    if (m && m.ec2 === ec2) return m.list;
    const list = this.computeFindings(idx, ec2 ? { ec2Instances: ec2 } : {});
    this.memo.set(idx, { ec2, list });
    return list;
  }

  /** The findings already computed for this snapshot, without computing anything (for callbacks that must stay cheap). */
  computed(idx: RegionIndex): readonly Finding[] | undefined {
    return this.memo.get(idx)?.list;
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
