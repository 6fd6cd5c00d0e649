/**
 * Long synchronous work in the core (an export, a report, dashboard figures)
 * is cut into slices with a turn of the event loop between them, so webhooks,
 * polls and clicks are served meanwhile instead of waiting seconds.
 */

/** Resolves on the next turn of the event loop, after pending I/O has been handled. */
export const nextTurn = (): Promise<void> =>
  new Promise<void>((resolve) => {
    setImmediate(resolve);
  });

/** Cuts a loop into slices of about `sliceMs` of work: `await slicer.pause()` once per step. */
export class Slicer {
  private sliceStart = performance.now();

  constructor(private readonly sliceMs = 20) {}

  /** At once while the current slice lasts; once it is used up, after a turn of the event loop. */
  async pause(): Promise<void> {
    if (performance.now() - this.sliceStart < this.sliceMs) return;
    await nextTurn();
    this.sliceStart = performance.now();
  }
}
