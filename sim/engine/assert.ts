// Invariants are checked in every run: they are cheap, they document the model, and a broken one
// turns a silently wrong result into a failed run (exit code 3) that names what broke.

export class InvariantError extends Error {
  constructor(readonly invariant: string, detail: string) {
    super(`invariant broken: ${invariant}: ${detail}`);
    this.name = 'InvariantError';
  }
}

export function invariant(condition: boolean, name: string, detail: () => string): asserts condition {
  if (!condition) throw new InvariantError(name, detail());
}
