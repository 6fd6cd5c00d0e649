import type { SettingsView } from '../../../../shared/ipc/contract';
import { FieldRow } from '../form/Field';
import { NumberField, SettingsActions, rangeError, useSettingsForm, wholeNumber } from './useSettingsForm';

interface BackupForm {
  retentionDays: string;
  dbSnapshotHour: string;
}

const HOURS = Array.from({ length: 24 }, (_, hour) => String(hour));

function read(view: SettingsView): BackupForm {
  return {
    retentionDays: String(view.backup.retentionDays),
    dbSnapshotHour: String(view.backup.dbSnapshotHour),
  };
}

/** Settings → Backup: how long snapshots and day files are kept, and when the daily snapshot is taken. */
export function BackupScheduleForm() {
  const s = useSettingsForm<BackupForm>({
    section: 'backup',
    read,
    validate: (form) => {
      const errors: Record<string, string> = {};
      const days = rangeError(wholeNumber(form.retentionDays), 1, 3650);
      if (days) errors.retentionDays = days;
      return errors;
    },
    toPatch: (form) => ({
      retentionDays: wholeNumber(form.retentionDays),
      dbSnapshotHour: wholeNumber(form.dbSnapshotHour),
    }),
    shownKeys: ['retentionDays', 'dbSnapshotHour'],
    errorTestId: 'backup-field-error',
  });
  const form = s.form;
  if (s.loadError) return <p className="form-error">{s.loadError}</p>;
  if (!form) return null;

  return (
    <form className="settings-form" onSubmit={s.submit} noValidate data-testid="backup-settings">
      <div className="settings-grid">
        <NumberField
          s={s}
          field="retentionDays"
          label="Keep backups for (days)"
          help="Older snapshots and raw-event day files are deleted at start, at midnight (UTC) and after each snapshot."
          value={form.retentionDays}
          onValue={(value) => {
            s.set('retentionDays', value);
          }}
          disabled={s.saving}
          testId="backup-retention"
        />
        <FieldRow
          inputId={`${s.uid}-dbSnapshotHour`}
          label="Daily snapshot at (hour, this machine's time)"
          required
          help="Pick a quiet hour: the snapshot reads the whole database."
          error={s.errors.fieldError('dbSnapshotHour')}
        >
          <select
            id={`${s.uid}-dbSnapshotHour`}
            className="input"
            value={form.dbSnapshotHour}
            disabled={s.saving}
            aria-describedby={s.errors.describe('dbSnapshotHour', true).describedBy}
            onChange={(e) => {
              s.set('dbSnapshotHour', e.target.value);
            }}
            data-testid="backup-snapshot-hour"
          >
            {HOURS.map((hour) => (
              <option key={hour} value={hour}>
                {hour.padStart(2, '0')}:00
              </option>
            ))}
          </select>
        </FieldRow>
      </div>
      <SettingsActions s={s} testId="backup-settings" label="Save backup schedule" />
    </form>
  );
}
