// Every question a command asks goes through a Prompter, so tests can replay scripted answers
// through the very same command code (the interactive path), and so Back works in every wizard.
// No `vscode` here: the operations layer (src/ops/) takes a Prompter. The VS Code implementation
// is src/ui/vscodePrompter.ts.

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
  /** Runs as the user types; a message blocks acceptance. */
  readonly validate?: (value: string) => string | undefined | Promise<string | undefined>;
}

export interface Prompter {
  pick<T>(o: PickOptions<T>): Promise<T>;
  pickMany<T>(o: PickOptions<T>): Promise<T[]>;
  input(o: InputOptions): Promise<string>;
  /** A modal confirmation; resolves true only for the action button. */
  confirm(message: string, detail: string, action: string): Promise<boolean>;
  /**
   * Runs a long step (a load or a change) with a cancellable progress notification. The signal
   * aborts when the user cancels; `report` updates the message.
   */
  progress<T>(title: string, work: (signal: AbortSignal, report: (message: string) => void) => Promise<T>): Promise<T>;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** By name, not instanceof: the bundle and the tests each have their own copy of the classes. */
export const isBack = (e: unknown): boolean => (e as Error | undefined)?.name === 'BackError';
export const isCancel = (e: unknown): boolean => (e as Error | undefined)?.name === 'CancelledError';

/** Runs steps in order; a BackError from a step goes back one step. */
export async function runSteps(steps: readonly (() => Promise<void>)[]): Promise<void> {
  let i = 0;
  while (i < steps.length) {
    try {
      await steps[i]();
      i++;
    } catch (e) {
      if (isBack(e) && i > 0) i--;
      else throw e;
    }
  }
}

