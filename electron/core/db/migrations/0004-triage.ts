import type { Migration } from '../migrations';

/**
 * Entity values are indexed twice: as written, so a search for a part
 * (jdoe) finds CORP\jdoe; and as one token, "squashed" between two markers
 * (CORP\jdoe -> xvscorpqbjdoexve), so a filter for a whole value or a
 * value's start is one term or one term prefix, exact, fast, and never a
 * match inside a longer value. Squashing spells the common separators as
 * q + a letter (and q itself as qq), so distinct values stay distinct; a
 * rarer separator still splits the token, identically for value and query.
 * Shared with the repository, which squashes what it searches for the same way.
 */
export const VALUE_START = 'xvs';
export const VALUE_END = 'xve';
const SQUASH: readonly [string, string][] = [
  ['q', 'qq'],
  ['Q', 'qq'],
  ['-', 'qh'],
  ['.', 'qd'],
  ['_', 'qu'],
  ['@', 'qa'],
  ['\\', 'qb'],
  ['/', 'qs'],
  [':', 'qc'],
  [' ', 'qw'],
];

/** The squashed spelling of an entity value (see SQUASH), as the index holds it. */
export function squashValue(value: string): string {
  let out = value;
  for (const [from, to] of SQUASH) out = out.replaceAll(from, to);
  return out;
}

function squashSql(expression: string): string {
  return SQUASH.reduce((sql, [from, to]) => `replace(${sql}, '${from}', '${to}')`, expression);
}

/**
 * What one incident puts in the full-text index, as SQL over the incident row
 * `row`: its title, its hosts, IPs, users and tags (each value as written
 * and squashed between VALUE_START and VALUE_END), and the summary of its
 * latest finished AI analysis (as stored: pseudonyms such as HOST_1 stand
 * where real values were; the real ones are in the entity columns).
 */
function ftsValues(row: string): string {
  const values = (json: string, path: string) =>
    `(SELECT group_concat(value || ' ${VALUE_START}' || ${squashSql('value')} || '${VALUE_END}', ' ')
      FROM json_each(CASE WHEN json_valid(${json}) THEN ${json} ELSE NULL END, '${path}'))`;
  return `${row}.rowid, ${row}.title, ${values(`${row}.entities`, '$.hosts')}, ${values(`${row}.entities`, '$.ips')},
    ${values(`${row}.entities`, '$.users')}, ${values(`${row}.tags`, '$')},
    (SELECT json_extract(a.answer, '$.summary') FROM analyses a
      WHERE a.incident_id = ${row}.id AND a.state = 'done' AND json_valid(a.answer)
      ORDER BY a.id DESC LIMIT 1)`;
}

const FTS_COLUMNS = 'rowid, title, hosts, ips, users, tags, summary';

/** Each list sort's key, most significant first; id makes it unique. */
const SORT_KEYS = {
  lastSeen: 'last_seen, id',
  firstSeen: 'first_seen, id',
  severity: 'severity_rank, last_seen, id',
};
/** The filter columns every list index carries, so filtering a scan never reads the table. */
const FACETS = 'status, severity_rank, source_id, source_kind, assignee';

/**
 * Triage at scale: full-text search, an index per list sort and per common
 * filter, and when each incident was acknowledged and resolved (MTTA / MTTR).
 *
 * Search. `incidents_fts` is a contentless FTS5 table (the text stays in
 * `incidents`; contentless_delete drops a row by rowid) keyed by the
 * incident's rowid and kept in step by triggers, so every writer (the
 * ingestor, actions, a restore's row copy) keeps it right without knowing
 * it exists. The update trigger fires only when title, entities or tags
 * really changed: a duplicate hit rewrites the row but not the index. The
 * tokenizer is unicode61 as it is: WS-FIN-042, 10.20.30.40, CORP\jdoe and
 * j.doe@corp.local become runs of tokens (ws fin 042), searched as quoted
 * phrases, so a value is found as written and by any part (jdoe, fin);
 * `tokenchars` would keep values whole but lose the parts and glue sentence
 * dots to title words ("executed."). Whole-value and value-start matching
 * (the entity filters, `WS-FIN-04*`) use the squashed tokens above.
 *
 * Indexes. Each list sort and each common filter (status, source, assignee)
 * has an index that leads with it and carries the other filter columns and
 * last_seen, so a page or a capped count is decided from index entries
 * alone (the repository's header has the plans and the figures). They
 * replace 0001's (last_seen, id) and (status, severity_rank). Acknowledged
 * and resolved times get partial indexes for the dashboard; they are NULL
 * at insert, so ingest never touches them.
 *
 * Ingest cost, measured (CPU per new incident, one transaction each, as the
 * webhook ingests): ~50 µs before this migration, ~155 µs after; ~90 µs of
 * that is FTS5 writing its pending terms at every commit, and through a
 * trigger it does so at every statement, so batching saves less than it
 * would (~65 µs a row in batches of 100). A duplicate hit: ~55 -> ~110 µs
 * (last_seen moves in five indexes).
 */
export const m0004Triage: Migration = {
  version: 4,
  name: '0004-triage',
  up(db) {
    db.exec(`
      ALTER TABLE incidents ADD COLUMN acknowledged_at TEXT;
      ALTER TABLE incidents ADD COLUMN resolved_at TEXT;

      DROP INDEX incidents_last_seen;
      DROP INDEX incidents_status;
      CREATE INDEX incidents_by_last_seen ON incidents (${SORT_KEYS.lastSeen}, ${FACETS});
      CREATE INDEX incidents_by_first_seen ON incidents (${SORT_KEYS.firstSeen}, ${FACETS}, last_seen);
      CREATE INDEX incidents_by_severity ON incidents (${SORT_KEYS.severity}, ${FACETS.replace('severity_rank, ', '')});
      CREATE INDEX incidents_by_status ON incidents (status, ${SORT_KEYS.lastSeen}, ${FACETS.replace('status, ', '')});
      CREATE INDEX incidents_by_source ON incidents (source_kind, source_id, ${SORT_KEYS.lastSeen}, status, severity_rank, assignee);
      CREATE INDEX incidents_by_assignee ON incidents (assignee COLLATE NOCASE, ${SORT_KEYS.lastSeen}, ${FACETS.replace(', assignee', '')})
        WHERE assignee IS NOT NULL;
      CREATE INDEX incidents_acknowledged ON incidents (acknowledged_at, first_seen) WHERE acknowledged_at IS NOT NULL;
      CREATE INDEX incidents_resolved ON incidents (resolved_at, first_seen) WHERE resolved_at IS NOT NULL;

      CREATE VIRTUAL TABLE incidents_fts USING fts5(
        title, hosts, ips, users, tags, summary,
        content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2'
      );

      CREATE TRIGGER incidents_fts_insert AFTER INSERT ON incidents BEGIN
        INSERT INTO incidents_fts (${FTS_COLUMNS}) SELECT ${ftsValues('new')};
      END;
      CREATE TRIGGER incidents_fts_update AFTER UPDATE OF title, entities, tags ON incidents
      WHEN old.title IS NOT new.title OR old.entities IS NOT new.entities OR old.tags IS NOT new.tags
      BEGIN
        DELETE FROM incidents_fts WHERE rowid = old.rowid;
        INSERT INTO incidents_fts (${FTS_COLUMNS}) SELECT ${ftsValues('new')};
      END;
      CREATE TRIGGER incidents_fts_delete AFTER DELETE ON incidents BEGIN
        DELETE FROM incidents_fts WHERE rowid = old.rowid;
      END;

      CREATE TRIGGER analyses_fts_insert AFTER INSERT ON analyses WHEN new.state = 'done' BEGIN
        DELETE FROM incidents_fts WHERE rowid = (SELECT rowid FROM incidents WHERE id = new.incident_id);
        INSERT INTO incidents_fts (${FTS_COLUMNS}) SELECT ${ftsValues('i')} FROM incidents i WHERE i.id = new.incident_id;
      END;
      CREATE TRIGGER analyses_fts_update AFTER UPDATE OF state, answer ON analyses
      WHEN new.state = 'done' OR old.state = 'done'
      BEGIN
        DELETE FROM incidents_fts WHERE rowid = (SELECT rowid FROM incidents WHERE id = new.incident_id);
        INSERT INTO incidents_fts (${FTS_COLUMNS}) SELECT ${ftsValues('i')} FROM incidents i WHERE i.id = new.incident_id;
      END;
      CREATE TRIGGER analyses_fts_delete AFTER DELETE ON analyses WHEN old.state = 'done' BEGIN
        DELETE FROM incidents_fts WHERE rowid = (SELECT rowid FROM incidents WHERE id = old.incident_id);
        INSERT INTO incidents_fts (${FTS_COLUMNS}) SELECT ${ftsValues('i')} FROM incidents i WHERE i.id = old.incident_id;
      END;

      INSERT INTO incidents_fts (${FTS_COLUMNS}) SELECT ${ftsValues('incidents')} FROM incidents;
    `);

    // Timeline details read "<from> -> <to>" or "<from> -> <to>: <note>" (IncidentActions.setStatus).
    db.exec(`
      CREATE TEMP TABLE status_moves AS
      SELECT incident_id, id, at,
        substr(detail, 1, instr(detail, ' -> ') - 1) AS from_status,
        CASE WHEN instr(substr(detail, instr(detail, ' -> ') + 4), ':') > 0
          THEN substr(substr(detail, instr(detail, ' -> ') + 4), 1,
                      instr(substr(detail, instr(detail, ' -> ') + 4), ':') - 1)
          ELSE substr(detail, instr(detail, ' -> ') + 4) END AS to_status
      FROM timeline_entries
      WHERE action = 'status_changed' AND instr(detail, ' -> ') > 0;
      CREATE INDEX temp.status_moves_incident ON status_moves (incident_id, id);

      UPDATE incidents SET acknowledged_at = (
        SELECT min(m.at) FROM temp.status_moves m
        WHERE m.incident_id = incidents.id AND m.from_status = 'new' AND m.to_status <> 'new'
      );
      UPDATE incidents SET resolved_at = (
        SELECT m.at FROM temp.status_moves m
        WHERE m.incident_id = incidents.id
          AND m.to_status IN ('resolved', 'closed', 'false_positive')
          AND m.from_status NOT IN ('resolved', 'closed', 'false_positive')
        ORDER BY m.id DESC LIMIT 1
      )
      WHERE status IN ('resolved', 'closed', 'false_positive');

      DROP TABLE temp.status_moves;
    `);
  },
};
