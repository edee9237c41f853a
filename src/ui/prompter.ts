// Every question a command asks goes through a Prompter, so tests can replay scripted answers
// through the very same command code (the interactive path); multi-step inputs run through the
// step runner (src/ui/steps.ts), so Back works the same in every wizard.
// No `vscode` here: the operations layer (src/ops/) takes a Prompter. The VS Code implementation
// is src/ui/vscodePrompter.ts.
import type { CodeChange } from '../domain/code/change';

export class CancelledError extends Error {
  constructor() {
    super('Cancelled');
    this.name = 'CancelledError';
  }
}
export class BackError extends Error {
  constructor() {
    super('Back');
    this.name = 'BackError';
  }
}

export interface PickItem<T> {
  readonly label: string;
  readonly description?: string;
  readonly detail?: string;
  readonly picked?: boolean;
  readonly alwaysShow?: boolean;
  readonly value: T;
}

export interface StepInfo {
  readonly title: string;
  readonly step?: number;
  readonly totalSteps?: number;
}

export interface PickOptions<T> extends StepInfo {
  readonly placeholder?: string;
  readonly items: readonly PickItem<T>[];
}

export interface InputOptions extends StepInfo {
  readonly prompt?: string;
  readonly value?: string;
  readonly placeholder?: string;
  readonly password?: false;
  /**
   * The answer confirms a change (a name typed to delete): the scope key it is made in. With several
   * accounts the prompter names that account in the title (src/ui/accountPrompter.ts).
   */
  readonly confirms?: string;
  /** Runs as the user types; a message blocks acceptance. */
  readonly validate?: (value: string) => string | undefined | Promise<string | undefined>;
}

/**
 * The change a confirmation previews, to be copied as code instead of (or before) being made: the
 * confirmation gets a "Copy as Code…" button (COPY_AS_CODE), or "Copy as Code Instead" when the
 * change would drift from the tool that manages the resource. That button copies and changes nothing
 * (the confirmation answers false); see src/ui/codeOffer.ts.
 */
export interface CodeOffer {
  /** What the change does, for the code's header comment. */
  readonly title: string;
  readonly region: string;
  readonly changes: () => readonly CodeChange[];
  /** The resource is managed by a tool (a CloudFormation stack, Terraform): the button says "Instead". */
  readonly instead?: boolean;
}

export const COPY_AS_CODE = 'Copy as Code…';
export const COPY_AS_CODE_INSTEAD = 'Copy as Code Instead';
export const codeButton = (offer: CodeOffer): string => (offer.instead ? COPY_AS_CODE_INSTEAD : COPY_AS_CODE);

export interface ConfirmOptions {
  /**
   * The action widens access (a database port open to the whole internet, a group that admits
   * it): the safe choice, not the action, is what Enter picks. Destructive or exposing options are
   * never the default.
   */
  readonly exposes?: boolean;
  /** Offer the change as code (a button that copies it and changes nothing). */
  readonly code?: CodeOffer;
}

/** The safe first button of an exposing confirmation (ConfirmOptions.exposes): it declines. */
export const KEEP_CLOSED = 'Keep It Closed';

export interface Prompter {
  pick<T>(o: PickOptions<T>): Promise<T>;
  pickMany<T>(o: PickOptions<T>): Promise<T[]>;
  input(o: InputOptions): Promise<string>;
  /** Puts text on the clipboard. */
  copy(text: string): Promise<void>;
  /** A modal confirmation; resolves true only for the action button (with options.code, its button copies the change: false). */
  confirm(message: string, detail: string, action: string, options?: ConfirmOptions): Promise<boolean>;
  /**
   * A modal confirmation with several actions, in the order given (the first is the one Enter
   * presses: never a destructive or exposing one); resolves the action chosen, undefined on Cancel.
   */
  choose(message: string, detail: string, actions: readonly string[]): Promise<string | undefined>;
  /**
   * Runs a long step (a load or a change) with a cancellable progress notification. The signal
   * aborts when the user cancels; `report` updates the message.
   */
  progress<T>(title: string, work: (signal: AbortSignal, report: (message: string) => void) => Promise<T>): Promise<T>;
  info(message: string): void;
  warn(message: string): void;
  /** An error for the user; the VS Code prompter offers a "Show Log" button with it. */
  error(message: string): void;
  /**
   * Optional: runs the questions of one multi-step input (src/ui/steps.ts) as one session, so the
   * VS Code prompter reuses one input box across them and shows it busy while the next step loads.
   */
  session?<T>(work: () => Promise<T>): Promise<T>;
}

/** By name, not instanceof: the bundle and the tests each have their own copy of the classes. */
export const isBack = (e: unknown): boolean => (e as Error | undefined)?.name === 'BackError';
export const isCancel = (e: unknown): boolean => (e as Error | undefined)?.name === 'CancelledError';
