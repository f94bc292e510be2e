/** What `promise` rejects with, or null if it resolves: for checking an error's class and message together. */
export function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => null,
    (err: unknown) => err,
  );
}
