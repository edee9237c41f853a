// A problem found before (or instead of) an AWS call, phrased for the user: shown, logged,
// nothing changed. Recognised by name as well, since a test may hold another copy of the class.
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

/** An add-rule refused because the access is already allowed (by `ruleId`, when known): nothing was sent twice. */
export class AlreadyAllowedError extends UserError {
  constructor(
    message: string,
    readonly ruleId?: string,
  ) {
    super(message);
  }
}

export const isUserError = (e: unknown): e is Error => e instanceof UserError || (e as Error | undefined)?.name === 'UserError';
