import type { Entities, Mitre } from '../../../shared/domain';
import { CopyValue } from './CopyValue';

type ListKind = Exclude<keyof Entities, 'files'>;

/** Label and the word a screen reader hears when one is copied. */
const GROUPS: readonly { kind: ListKind; label: string; what: string }[] = [
  { kind: 'hosts', label: 'Hosts', what: 'host' },
  { kind: 'users', label: 'Users', what: 'user' },
  { kind: 'ips', label: 'IPs', what: 'IP address' },
  { kind: 'processes', label: 'Processes', what: 'process' },
  { kind: 'domains', label: 'Domains', what: 'domain' },
  { kind: 'urls', label: 'URLs', what: 'URL' },
];

const HASHES = [
  ['sha256', 'SHA-256'],
  ['sha1', 'SHA-1'],
  ['md5', 'MD5'],
] as const;

/** The incident's entities grouped by kind; every value copies itself. */
export function EntityGroups({ entities }: { entities: Entities }) {
  const present = GROUPS.filter((group) => entities[group.kind].length > 0);
  if (present.length === 0 && entities.files.length === 0) {
    return <p className="muted">No entities were extracted from this incident’s events.</p>;
  }
  return (
    <dl className="entities" data-testid="detail-entities">
      {present.map((group) => (
        <div key={group.kind} className="entity-row" data-kind={group.kind}>
          <dt>
            {group.label} <span className="entity-count">{entities[group.kind].length}</span>
          </dt>
          <dd>
            {entities[group.kind].map((value, index) => (
              <CopyValue
                key={`${value}#${String(index)}`}
                value={value}
                what={group.what}
                testId={`entity-${group.kind}`}
              />
            ))}
          </dd>
        </div>
      ))}
      {entities.files.length > 0 && (
        <div className="entity-row" data-kind="files">
          <dt>
            Files <span className="entity-count">{entities.files.length}</span>
          </dt>
          <dd>
            <ul className="files">
              {entities.files.map((file, index) => (
                <li key={`${file.path}#${String(index)}`} className="file">
                  <CopyValue value={file.path} what="file path" testId="entity-files" />
                  {HASHES.map(([key, label]) => {
                    const hash = file[key];
                    return hash ? (
                      <span key={key} className="hash">
                        <span className="hash-algo">{label}</span>
                        <CopyValue value={hash} what={label} testId={`entity-${key}`} />
                      </span>
                    ) : null;
                  })}
                </li>
              ))}
            </ul>
          </dd>
        </div>
      )}
    </dl>
  );
}

export function MitreList({ mitre }: { mitre: Mitre }) {
  return (
    <dl className="entities">
      {mitre.tactics.length > 0 && (
        <div className="entity-row">
          <dt>Tactics</dt>
          <dd>
            {mitre.tactics.map((tactic) => (
              <CopyValue key={tactic} value={tactic} what="tactic" mono={false} />
            ))}
          </dd>
        </div>
      )}
      {mitre.techniques.length > 0 && (
        <div className="entity-row">
          <dt>Techniques</dt>
          <dd>
            {mitre.techniques.map((technique) => (
              <CopyValue key={technique} value={technique} what="technique" />
            ))}
          </dd>
        </div>
      )}
    </dl>
  );
}
