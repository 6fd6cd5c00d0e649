/**
 * Spacing between messages from one WhatsApp sender. WhatsApp bans numbers
 * that behave like bots, so a sender (a gateway session, a Cloud API phone
 * number) sends at most one message per `gapMs`, however many alerts wait.
 */
import type { Clock } from '../../clock';
import { SourceError } from '../../sources/source-error';

/** The least time between two messages from one sender. */
export const MIN_SEND_GAP_MS = 1_000;

export class SendThrottle {
  private readonly lastSent = new Map<string, number>();

  constructor(private readonly gapMs = MIN_SEND_GAP_MS) {}

  /** Waits until `sender` may send again; rejects if `signal` aborts first. */
  async wait(sender: string, clock: Clock, signal: AbortSignal): Promise<void> {
    const last = this.lastSent.get(sender);
    const delay = last === undefined ? 0 : last + this.gapMs - clock.now();
    if (signal.aborted) throw cancelled();
    if (delay <= 0) return;
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer);
        reject(cancelled());
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, delay);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Records that `sender` just sent (or tried to: a failed attempt may still have reached WhatsApp). */
  sent(sender: string, clock: Clock): void {
    this.lastSent.set(sender, clock.now());
  }
}

function cancelled(): SourceError {
  return new SourceError('network', 'cancelled while waiting to send (WhatsApp messages are spaced out)');
}
