import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';

import type { BackupFile, BackupList } from '../../../shared/ipc/contract';
import { formatAbsolute } from '../lib/format';
import { useStore } from '../store';
import { getTransport } from '../transport';
import { ErrorNotice } from './ErrorNotice';
import { ProgressMeter } from './ProgressMeter';
import { BackupScheduleForm } from './settings/BackupScheduleForm';

const byteUnits = ['B', 'KB', 'MB', 'GB', 'TB'];

function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < byteUnits.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? String(value) : value.toFixed(value < 10 ? 1 : 0)} ${byteUnits[unit]!}`;
}

/**
 * Settings → Backup: snapshot now with live progress, the snapshots and
 * raw-event day files on disk, and restore with a confirmation step.
 */
export function BackupPanel() {
  const s = useStore(
    useShallow((state) => ({
      list: state.backupList,
      listState: state.backupListState,
      listError: state.backupListError,
      progress: state.backupProgress,
      busy: state.backupBusy,
      outcome: state.backupOutcome,
      loadBackups: state.loadBackups,
      runBackup: state.runBackup,
      restoreBackup: state.restoreBackup,
    })),
  );
  const [confirming, setConfirming] = useState<string | null>(null);

  useEffect(() => {
    void useStore.getState().loadBackups();
    return getTransport().api.on('backup.progress', (progress) => {
      useStore.getState().applyBackupProgress(progress);
    });
  }, []);

  const restore = (name: string): void => {
    setConfirming(null);
    void s.restoreBackup(name);
  };

  return (
    <section className="card" aria-labelledby="backup-title">
      <h2 id="backup-title" className="card-title">
        Backup
      </h2>
      <p className="muted">
        Every raw event is also written to a file per day as it arrives, and the database is snapshotted
        daily. Restoring a snapshot replaces all incidents, events and timelines with its contents; the
        current data is snapshotted first, so a restore can be undone.
      </p>
      <BackupScheduleForm />
      <div className="card-actions">
        <button
          type="button"
          className="btn btn-small btn-primary"
          onClick={() => void s.runBackup()}
          disabled={s.busy !== null}
          data-testid="backup-run"
        >
          {s.busy === 'backup' ? 'Backing up…' : 'Back up now'}
        </button>
        <button
          type="button"
          className="btn btn-small btn-ghost"
          onClick={() => void s.loadBackups()}
          disabled={s.listState === 'loading'}
        >
          Refresh
        </button>
      </div>

      {s.progress && (
        <ProgressMeter
          label={s.progress.operation === 'restore' ? 'Restore progress' : 'Backup progress'}
          percent={s.progress.percent}
          testId="backup-progress"
          data={{ operation: s.progress.operation }}
        >
          <span className="break">{s.progress.message}</span>
          <span className="mono">{s.progress.percent}%</span>
        </ProgressMeter>
      )}

      {s.outcome &&
        (s.outcome.ok ? (
          <div className="notice backup-result-ok" role="status" data-testid="backup-result" data-ok="true">
            <div className="notice-text">
              <span>{s.outcome.message}</span>
            </div>
          </div>
        ) : (
          <div data-testid="backup-result" data-ok="false">
            <ErrorNotice
              title={s.outcome.operation === 'restore' ? 'Restore failed' : 'Backup failed'}
              message={s.outcome.message}
            />
          </div>
        ))}

      {s.list && !s.list.health.events.ok && (
        <div data-testid="backup-health">
          <ErrorNotice
            title="Raw-event backup files are not being written"
            message={`${s.list.health.events.lastError ?? 'Unknown error'}${
              s.list.health.events.linesLost > 0
                ? ` (${String(s.list.health.events.linesLost)} events only in the database)`
                : ''
            }. Incidents are still stored; check the disk and the backup folder's permissions.`}
          />
        </div>
      )}
      {s.list?.health.lastSnapshotError && (
        <ErrorNotice title="The last snapshot failed" message={s.list.health.lastSnapshotError} />
      )}

      {s.listState === 'error' && (
        <ErrorNotice
          title="Could not list the backups"
          message={s.listError ?? 'Unknown error'}
          onRetry={() => void s.loadBackups()}
        />
      )}

      <h3 className="section-title backup-subtitle">Database snapshots</h3>
      <SnapshotTable
        snapshots={s.list?.snapshots ?? null}
        loading={s.listState === 'loading'}
        busy={s.busy !== null}
        confirming={confirming}
        onAsk={setConfirming}
        onConfirm={restore}
      />

      <h3 className="section-title backup-subtitle">Raw-event day files</h3>
      <EventDayTable days={s.list?.eventDays ?? null} loading={s.listState === 'loading'} />
    </section>
  );
}

interface SnapshotTableProps {
  snapshots: BackupFile[] | null;
  loading: boolean;
  busy: boolean;
  confirming: string | null;
  onAsk: (name: string | null) => void;
  onConfirm: (name: string) => void;
}

function SnapshotTable({ snapshots, loading, busy, confirming, onAsk, onConfirm }: SnapshotTableProps) {
  if (!snapshots || snapshots.length === 0) {
    return <p className="muted">{loading && !snapshots ? 'Loading…' : 'No snapshots yet.'}</p>;
  }
  return (
    <div className="table-wrap backup-table">
      <table className="table table-compact" data-testid="backup-snapshots">
        <thead>
          <tr>
            <th scope="col">Snapshot</th>
            <th scope="col">Taken</th>
            <th scope="col" className="num">
              Size
            </th>
            <th scope="col" className="backup-actions-cell">
              <span className="backup-sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {snapshots.map((snapshot) => (
            <tr key={snapshot.name} data-testid="backup-snapshot-row" data-name={snapshot.name}>
              <td className="mono break">{snapshot.name}</td>
              <td className="mono">{formatAbsolute(snapshot.createdAt)}</td>
              <td className="num mono">{formatBytes(snapshot.bytes)}</td>
              <td className="backup-actions-cell">
                {confirming === snapshot.name ? (
                  <span
                    className="backup-confirm"
                    role="group"
                    aria-label={`Confirm restore of ${snapshot.name}`}
                  >
                    <span className="text-warn small">Replace all current data?</span>
                    <button
                      type="button"
                      className="btn btn-small backup-btn-danger"
                      onClick={() => onConfirm(snapshot.name)}
                      disabled={busy}
                      data-testid="backup-restore-confirm"
                    >
                      Restore
                    </button>
                    <button type="button" className="btn btn-small btn-ghost" onClick={() => onAsk(null)}>
                      Cancel
                    </button>
                  </span>
                ) : (
                  <button
                    type="button"
                    className="btn btn-small"
                    onClick={() => onAsk(snapshot.name)}
                    disabled={busy}
                    data-testid="backup-restore"
                  >
                    Restore…
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function EventDayTable({ days, loading }: { days: BackupList['eventDays'] | null; loading: boolean }) {
  if (!days || days.length === 0) {
    return <p className="muted">{loading && !days ? 'Loading…' : 'No raw events received yet.'}</p>;
  }
  return (
    <div className="table-wrap backup-table">
      <table className="table table-compact" data-testid="backup-event-days">
        <thead>
          <tr>
            <th scope="col">Day (UTC)</th>
            <th scope="col">File</th>
            <th scope="col" className="num">
              Size
            </th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {days.map((day) => (
            <tr key={day.name} data-testid="backup-day-row" data-day={day.day}>
              <td className="mono">{day.day}</td>
              <td className="mono break">{day.name}</td>
              <td className="num mono">{formatBytes(day.bytes)}</td>
              <td className="muted">{day.gzipped ? 'Closed, gzipped' : 'Open'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
