/**
 * The headless shell's desktop notifier: node-notifier (notify-send on Linux,
 * Notification Center on macOS, toasts on Windows). On a server without a
 * desktop session it fails, and the outbox shows why.
 */
import notifier from 'node-notifier';

import { SourceError } from '../../sources/source-error';
import type { DesktopNotifier } from './desktop';

export function createNodeNotifier(): DesktopNotifier {
  return (notice) =>
    new Promise((resolve, reject) => {
      notifier.notify({ title: notice.title, message: notice.body, wait: false }, (error) => {
        if (error)
          reject(new SourceError('http', `the desktop did not show the notification: ${error.message}`));
        else resolve();
      });
    });
}
