/**
 * How the command line treats the installed collector's data dir (/var/lib/mamori-collector, 0700, owned by the
 * service user). Run as root, the CLI becomes that user before it opens anything, so the files it creates there
 * (init's keys, config and database, a SIEM file sink's files under `start`) stay the service's and root's powers
 * are not used where the service's suffice. (SQLite already gives its WAL/SHM files the database's owner, and the
 * evidence key is chowned where it is made.) Run as anyone else, it says who may read the folder instead of calling it
 * "not initialised" and suggesting `init` (which would start a second collector).
 */
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { packagedDataDir } from '../config/load.ts';
import { isInitialised } from '../data-dir.ts';
import { CollectorError } from '../errors.ts';

/** The process calls the switch needs (replaceable in tests: a real switch cannot be undone in the test runner). */
export interface ProcessIdentity {
  getuid(): number;
  setgid(id: number): void;
  setuid(id: number): void;
}

/**
 * As root, becomes the owner of the package's data dir (group first, then user; supplementary groups dropped).
 * Only for the dir the package declares: a folder given with -d stays the caller's business. Returns the uid taken.
 */
export function actAsDataDirOwner(dataDir: string, packaged = packagedDataDir(), identity: ProcessIdentity = processIdentity()): number | undefined {
  if (identity.getuid() !== 0 || packaged === undefined || dataDir !== packaged || !existsSync(dataDir)) return undefined;
  const { uid, gid } = statSync(dataDir);
  if (uid === 0) return undefined;
  identity.setgid(gid);
  identity.setuid(uid);
  return uid;
}

function processIdentity(): ProcessIdentity {
  return {
    getuid: () => process.getuid?.() ?? -1,
    setgid: (id) => {
      process.setgroups?.([id]);
      process.setgid?.(id);
    },
    setuid: (id) => process.setuid?.(id),
  };
}

/** Throws the error that tells an admin what to do when `dataDir` cannot be used; returns when it can. */
export function requireInitialised(dataDir: string, packaged = packagedDataDir()): void {
  if (existsSync(dataDir)) {
    try {
      accessSync(dataDir, constants.R_OK | constants.X_OK);
    } catch {
      const owner = userName(statSync(dataDir).uid);
      throw new CollectorError('COLLECTOR_DATA_DIR_UNREADABLE', `${dataDir} (e.g. runuser -u ${owner} -- mamori-collector …)`);
    }
  }
  if (isInitialised(dataDir)) return;
  if (dataDir === packaged) throw new CollectorError('COLLECTOR_PACKAGED_NOT_INITIALISED', dataDir);
  throw new CollectorError('COLLECTOR_NOT_INITIALISED', dataDir);
}

function userName(uid: number): string {
  const passwd = existsSync('/etc/passwd') ? readFileSync('/etc/passwd', 'utf8') : '';
  const line = passwd.split('\n').find((l) => l.split(':')[2] === String(uid));
  return line?.split(':')[0] || `#${uid}`;
}
