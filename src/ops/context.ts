// What the operations layer needs from the extension: no `vscode` here, so every safety rule of a
// change (re-read, compare, write, reconcile a lost answer, re-read) runs in plain Node unit tests
// against a fake gateway. The extension's services (src/ext.ts) satisfy this interface.
import type { AwsGateway } from '../aws/index';
import type { ActivityEntry } from '../domain/activity';
import type { RegionStore } from '../state/store';
import type { Prompter } from '../ui/prompter';

/** The log: the extension's output channel in VS Code, an array in tests. Never given a secret. */
export interface Log {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Where changes are recorded (ops/activity.ts ActivityLog); absent in tests that do not look. */
export interface ActivitySink {
  newId(now: Date): string;
  record(entry: ActivityEntry): Promise<void>;
}

/** What writeThenVerify tells the change it runs in (ops/activity.ts ChangeRecorder). */
export interface ChangeNotes {
  recovered?: string;
  unknown: boolean;
}

export interface OpsContext {
  /** The AWS layer for the current connection (created, and the SDK loaded, on first use). */
  gateway(): AwsGateway;
  readonly store: RegionStore;
  readonly ui: Prompter;
  readonly log: Log;
  /** For error messages: which profile and endpoint override were used. */
  readonly settings: { readonly profile?: string; readonly endpoint?: string; readonly dryRun?: boolean; readonly managedByTags?: readonly string[] };
  /** The activity log every change is recorded in. */
  readonly activity?: ActivitySink;
  /** Set inside a change (ops/activity.ts withChange). */
  readonly change?: ChangeNotes;
  /** Set when the change is the undo of that activity entry (its own undo is then a redo). */
  readonly undoOf?: string;
}
