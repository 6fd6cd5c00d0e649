import { useId } from 'react';

/** One line of a webhook source's mapping: an incident field filled from a dot path of the posted JSON. */
export interface MappingRow {
  /** Stable React key; rows have no identity of their own while being typed. */
  key: number;
  field: string;
  path: string;
}

/** Incident fields a mapping usually fills; any other name may still be typed. */
const FIELD_SUGGESTIONS = [
  'title',
  'description',
  'severity',
  'category',
  'vendorId',
  'consoleUrl',
  'vendorStatus',
  'host',
  'user',
  'ip',
  'url',
  'domain',
  'file',
  'process',
  'tags',
];

let nextRowKey = 1;

/** Rows for a stored mapping, in the order it was saved. */
export function mappingRows(mapping: unknown): MappingRow[] {
  if (!mapping || typeof mapping !== 'object') return [];
  return Object.entries(mapping as Record<string, unknown>).map(([field, path]) => ({
    key: nextRowKey++,
    field,
    path: typeof path === 'string' ? path : '',
  }));
}

interface MappingEditorProps {
  rows: MappingRow[];
  onChange: (rows: MappingRow[]) => void;
  /** Id of the first control, so a form can move focus here when the mapping is invalid. */
  firstControlId: string;
  /** Id of the element describing the mapping's error, if any. */
  errorId?: string | undefined;
  invalid: boolean;
  disabled?: boolean;
}

/** Rows of "incident field ← JSON path" with add and remove, for webhook sources. */
export function MappingEditor({
  rows,
  onChange,
  firstControlId,
  errorId,
  invalid,
  disabled = false,
}: MappingEditorProps) {
  const uid = useId();
  const listId = `${uid}-fields`;
  const helpId = `${uid}-help`;
  const describedBy = [helpId, errorId].filter(Boolean).join(' ');

  const fieldIdAt = (index: number, key: number): string =>
    index === 0 ? firstControlId : `${uid}-field-${String(key)}`;

  const update = (key: number, patch: Partial<Omit<MappingRow, 'key'>>): void => {
    onChange(rows.map((row) => (row.key === key ? { ...row, ...patch } : row)));
  };

  const add = (): void => {
    const key = nextRowKey++;
    const index = rows.length;
    onChange([...rows, { key, field: '', path: '' }]);
    // The new row's inputs exist after the next render.
    requestAnimationFrame(() => {
      document.getElementById(fieldIdAt(index, key))?.focus();
    });
  };

  const remove = (index: number): void => {
    const next = rows.filter((_, at) => at !== index);
    onChange(next);
    // Keep focus in the editor instead of dropping it on the page body.
    requestAnimationFrame(() => {
      const at = Math.min(index, next.length - 1);
      const neighbour = next[at];
      // With no rows left, the add button carries the first-control id.
      document.getElementById(neighbour ? fieldIdAt(at, neighbour.key) : firstControlId)?.focus();
    });
  };

  return (
    <fieldset className="mapping" data-testid="source-mapping" aria-describedby={describedBy}>
      <legend className="field-label">Field mapping</legend>
      <p id={helpId} className="field-help">
        Which incident field takes which value of the posted JSON, as a dot path (e.g. <code>title</code> ←{' '}
        <code>alert.name</code>, <code>host</code> ← <code>device.hostname</code>).
      </p>
      <datalist id={listId}>
        {FIELD_SUGGESTIONS.map((field) => (
          <option key={field} value={field} />
        ))}
      </datalist>
      {rows.length > 0 && (
        <div className="mapping-rows" role="list">
          {rows.map((row, index) => {
            const fieldId = fieldIdAt(index, row.key);
            const n = String(index + 1);
            return (
              <div className="mapping-row" role="listitem" key={row.key} data-testid="source-mapping-row">
                <input
                  id={fieldId}
                  className="input input-compact mono"
                  list={listId}
                  value={row.field}
                  placeholder="incident field"
                  aria-label={`Incident field, row ${n}`}
                  aria-invalid={invalid && (!row.field.trim() || !row.path.trim()) ? true : undefined}
                  spellCheck={false}
                  autoComplete="off"
                  disabled={disabled}
                  onChange={(e) => {
                    update(row.key, { field: e.target.value });
                  }}
                  data-testid="source-mapping-field"
                />
                <span className="mapping-arrow" aria-hidden="true">
                  ←
                </span>
                <input
                  id={`${uid}-path-${String(row.key)}`}
                  className="input input-compact mono"
                  value={row.path}
                  placeholder="json.path"
                  aria-label={`JSON path, row ${n}`}
                  aria-invalid={invalid && (!row.field.trim() || !row.path.trim()) ? true : undefined}
                  spellCheck={false}
                  autoComplete="off"
                  disabled={disabled}
                  onChange={(e) => {
                    update(row.key, { path: e.target.value });
                  }}
                  data-testid="source-mapping-path"
                />
                <button
                  type="button"
                  className="btn btn-small btn-ghost"
                  aria-label={`Remove mapping row ${n}`}
                  disabled={disabled}
                  onClick={() => {
                    remove(index);
                  }}
                >
                  Remove
                </button>
              </div>
            );
          })}
        </div>
      )}
      <div>
        <button
          id={rows.length === 0 ? firstControlId : `${uid}-add`}
          type="button"
          className="btn btn-small"
          disabled={disabled}
          onClick={add}
          data-testid="source-mapping-add"
        >
          Add mapping
        </button>
      </div>
    </fieldset>
  );
}
