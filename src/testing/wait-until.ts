// Polling for an end-to-end test: asks `probe` until it answers something other than undefined, or fails with what
// it was waiting for (and the last error, when errors count as "not yet").
export async function waitUntil<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  options: { timeoutMs: number; intervalMs?: number; retryErrors?: boolean; detail?: () => string },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let last: unknown;
  for (;;) {
    let value: T | undefined;
    try {
      value = await probe();
    } catch (error) {
      if (!options.retryErrors) throw error;
      last = error;
    }
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      const lastError = last instanceof Error ? `; last error: ${last.message}` : "";
      throw new Error(`timed out waiting for ${what}${lastError}${options.detail ? `; ${options.detail()}` : ""}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}
