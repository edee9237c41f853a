// The accounts of auroraSg.profiles: who each profile's credentials are (its account id and alias),
// read once per profile and on its own: one that fails, is throttled or is signed out never holds
// another back. No vscode: the tree's account rows and the confirmations read it through onChange.
import type { AccountIdentity, AccountInfo } from '../domain/accounts';

type Listener = (profile: string | undefined) => void;

export class AccountStore {
  private readonly states = new Map<string, AccountInfo>();
  private readonly inflight = new Map<string, Promise<AccountInfo>>();
  private readonly listeners = new Set<Listener>();
  private generation = 0;

  constructor(
    private read: (profile: string) => Promise<AccountIdentity>,
    private profiles: readonly string[],
    /** Whether an identity error means a missing or expired sign-in (src/aws/errors.ts isSignInError). */
    private readonly signedOut: (err: unknown) => boolean,
  ) {}

  getProfiles(): readonly string[] {
    return this.profiles;
  }

  /** What is known of the profile's account now (nothing read yet: the profile alone). */
  info(profile: string): AccountInfo {
    return this.states.get(profile) ?? { profile };
  }

  /** The loaded account whose id this is (a cross-account group reference names its owner by id). */
  byAccountId(accountId: string | undefined): AccountInfo | undefined {
    if (!accountId) return undefined;
    for (const s of this.states.values()) if (s.identity?.accountId === accountId) return s;
    return undefined;
  }

  onChange(l: Listener): { dispose(): void } {
    this.listeners.add(l);
    return { dispose: () => this.listeners.delete(l) };
  }

  private emit(profile: string | undefined): void {
    for (const l of [...this.listeners]) l(profile);
  }

  /** The identity, read the first time it is asked for (a failure is kept until load() is asked for). */
  ensure(profile: string): Promise<AccountInfo> {
    const s = this.states.get(profile);
    if (s && !s.loading) return Promise.resolve(s);
    return this.inflight.get(profile) ?? this.load(profile);
  }

  /** Reads the profile's identity again (after a sign-in, on refresh). */
  load(profile: string): Promise<AccountInfo> {
    const gen = this.generation;
    const prev = this.states.get(profile);
    this.states.set(profile, { ...(prev ?? { profile }), loading: true });
    this.emit(profile);
    const p = this.read(profile).then(
      (identity): AccountInfo => ({ profile, identity }),
      (error: unknown): AccountInfo => ({ profile, error, signedOut: this.signedOut(error) }),
    );
    const done = p.then((info) => {
      if (gen !== this.generation) return info;
      this.inflight.delete(profile);
      this.states.set(profile, info);
      this.emit(profile);
      return info;
    });
    this.inflight.set(profile, done);
    return done;
  }

  /** The profiles changed: everything read so far is dropped. */
  reset(read: (profile: string) => Promise<AccountIdentity>, profiles: readonly string[]): void {
    this.generation++;
    this.read = read;
    this.profiles = profiles;
    this.states.clear();
    this.inflight.clear();
    this.emit(undefined);
  }
}
