/**
 * A store in a directory, for Node: one file per key, written atomically (a temporary file, fsync, rename,
 * fsync of the directory), so a kill -9 at any instant leaves either the old value or the new one, never
 * half a file. Everything `set()` resolved for survives the process.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Store } from './types';

/** Temporary files carry this mark; any left by a kill are ignored, and cleaned up once surely abandoned. */
const TEMP_MARK = '.tmp-';
/** A temporary file this old is no other process's write in progress. */
const ABANDONED_AFTER_MS = 60_000;

/**
 * @param dir Created on first write if missing. One directory per app; several processes may share it
 *   (each persists its own segments; whichever drains sends them, and the collector dedupes).
 * @example createShadowClient({ ..., storage: fileStore('./.shadowcast') })
 */
export function fileStore(dir: string): Store {
  if (typeof dir !== 'string' || dir.length === 0) {
    throw new TypeError(`fileStore(dir): dir must be a directory path, received ${JSON.stringify(dir)}. Pass e.g. fileStore('./.shadowcast').`);
  }
  let ready: Promise<unknown> | undefined;
  const ensureDir = () => (ready ??= mkdir(dir, { recursive: true }).catch((error: unknown) => {
    ready = undefined; // let the next call try again
    throw error;
  }));
  const path = (key: string) => join(dir, encodeURIComponent(key));

  return {
    kind: 'file',
    async get(key) {
      try {
        return await readFile(path(key), 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    async set(key, value) {
      await ensureDir();
      const target = path(key);
      const temp = `${target}${TEMP_MARK}${randomBytes(4).toString('hex')}`;
      const file = await open(temp, 'w');
      try {
        await file.writeFile(value, 'utf8');
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temp, target);
      await syncDirectory(dir);
    },
    async delete(keys) {
      await Promise.all(
        keys.map((key) =>
          unlink(path(key)).catch((error: NodeJS.ErrnoException) => {
            if (error.code !== 'ENOENT') throw error;
          }),
        ),
      );
    },
    async keys(prefix) {
      let names: string[];
      try {
        names = await readdir(dir);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw error;
      }
      const keys: string[] = [];
      for (const name of names) {
        if (name.includes(TEMP_MARK)) {
          void removeIfAbandoned(join(dir, name)); // a kill mid-write: never renamed, so never acknowledged
          continue;
        }
        let key: string;
        try {
          key = decodeURIComponent(name);
        } catch {
          continue; // not ours
        }
        if (key.startsWith(prefix)) keys.push(key);
      }
      return keys.sort();
    },
  };
}

async function removeIfAbandoned(file: string): Promise<void> {
  try {
    if (Date.now() - (await stat(file)).mtimeMs > ABANDONED_AFTER_MS) await unlink(file);
  } catch {
    // gone already, or not ours to remove
  }
}

/** Makes the rename itself durable. Some platforms cannot open a directory; the rename is still atomic there. */
async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // EISDIR/EPERM on Windows and some file systems: nothing more to do.
  } finally {
    await handle?.close();
  }
}
