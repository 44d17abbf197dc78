// Config stage: notice that the config folder changed. Any watcher event (add, edit, delete,
// rename, a ConfigMap "..data" swap) only schedules a rescan; a quiet period and a check that
// sizes and mtimes stopped moving (a file still being written) come before the callback. A
// slow poll backs up fs.watch, whose events are not guaranteed on every filesystem.

import { watch, type FSWatcher } from 'node:fs';
import { promises as fs } from 'node:fs';
import path from 'node:path';

export interface WatchOptions {
  /** Quiet time after the last event before a rescan. */
  debounceMs?: number;
  /** Fallback poll interval (0: no polling). */
  pollMs?: number;
}

/** A cheap fingerprint of the tree: every file's path, size and mtime. */
export async function treeSignature(root: string): Promise<string> {
  const parts: string[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (depth > 32) return;
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory() && !e.name.startsWith('.')) {
        await walk(full, depth + 1);
        continue;
      }
      try {
        const st = await fs.stat(full);
        if (st.isDirectory()) {
          if (e.isSymbolicLink()) await walk(full, depth + 1);
          continue;
        }
        parts.push(`${path.relative(root, full)}\u0000${st.size}\u0000${st.mtimeMs}`);
      } catch {
        // vanished between readdir and stat: the next event rescans
      }
    }
  };
  await walk(root, 0);
  return parts.join('\n');
}

export class ConfigWatcher {
  #watcher: FSWatcher | undefined;
  #timer: NodeJS.Timeout | undefined;
  #poll: NodeJS.Timeout | undefined;
  #last = '';
  #closed = false;

  constructor(
    readonly root: string,
    readonly onChange: () => void,
    readonly options: WatchOptions = {},
  ) {}

  async start(): Promise<void> {
    this.#last = await treeSignature(this.root);
    try {
      this.#watcher = watch(this.root, { recursive: true }, () => this.#schedule());
      this.#watcher.on('error', () => this.#schedule());
    } catch {
      // no recursive watch here: the poll below still notices changes
    }
    const pollMs = this.options.pollMs ?? 10_000;
    if (pollMs > 0) {
      this.#poll = setInterval(() => this.#schedule(), pollMs);
      this.#poll.unref();
    }
  }

  #schedule(): void {
    if (this.#closed) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#settle(), this.options.debounceMs ?? 150);
    this.#timer.unref();
  }

  /** Fire only when the tree changed and stopped changing (no half-written files). */
  async #settle(): Promise<void> {
    this.#timer = undefined;
    const a = await treeSignature(this.root);
    if (a === this.#last) return;
    await new Promise((r) => setTimeout(r, 60));
    const b = await treeSignature(this.root);
    if (a !== b) {
      this.#schedule();
      return;
    }
    if (this.#closed) return;
    this.#last = b;
    this.onChange();
  }

  close(): void {
    this.#closed = true;
    this.#watcher?.close();
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#poll) clearInterval(this.#poll);
  }
}
