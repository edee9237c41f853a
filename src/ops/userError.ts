// A problem found before (or instead of) an AWS call, phrased for the user: shown, logged,
// nothing changed. Recognised by name as well, since a test may hold another copy of the class.
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

export const isUserError = (e: unknown): e is Error => e instanceof UserError || (e as Error | undefined)?.name === 'UserError';
