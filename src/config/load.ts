// Config stage: a folder becomes an ArtifactSet. Every *.xml below the folder is read (in a
// stable order), each file hashed for reload diffs; problems become diagnostics, never throws.

import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ArtifactSet } from './ast.js';
import { Diagnostics } from './diagnostics.js';
import { ReadContext, type ReaderRegistry } from './read-context.js';
import { emptyArtifacts, readRoot } from './readers/artifacts.js';
import { readServiceCatalog } from './readers/service-catalog.js';
import { parseXml, XmlSyntaxError } from '../xml/parse.js';

export interface LoadedFiles {
  /** Absolute root folder. */
  root: string;
  /** Path relative to the root (for messages) -> text. */
  files: Map<string, string>;
  /**
   * Side files that artifacts refer to by path (scripts, OpenAPI documents, WSDLs): path relative to
   * the root, with "/" separators -> text.
   */
  resources: Map<string, string>;
}

/** Extensions of the side files read with the XML (see LoadedFiles.resources). */
export const RESOURCE_EXTENSIONS = ['.js', '.json', '.yaml', '.yml', '.wsdl'];

const MAX_FILES = 10_000;
const MAX_FILE_BYTES = 16 * 1024 * 1024;

/**
 * Collect the XML files below `root`. Symlinks are followed only when they resolve inside the
 * root (Kubernetes ConfigMap `..data` links do); names starting with "." are not descended into
 * except through such links.
 */
export async function collectXmlFiles(root: string, diag: Diagnostics): Promise<LoadedFiles> {
  const absRoot = path.resolve(root);
  let realRoot: string;
  try {
    realRoot = await fs.realpath(absRoot);
  } catch (e) {
    diag.error('AXON_CFG_READ_FAILED', `cannot read the config folder: ${(e as Error).message}`, { file: '.', line: 1, col: 1 });
    return { root: absRoot, files: new Map(), resources: new Map() };
  }
  const files = new Map<string, string>();
  const resources = new Map<string, string>();
  const seenDirs = new Set<string>();
  const walk = async (dir: string): Promise<void> => {
    const real = await fs.realpath(dir).catch(() => undefined);
    if (!real || seenDirs.has(real)) return;
    seenDirs.add(real);
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (e) {
      diag.error('AXON_CFG_READ_FAILED', `cannot list ${dir}: ${(e as Error).message}`, { file: path.relative(absRoot, dir) || '.', line: 1, col: 1 });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const ent of entries) {
      if (ent.name.startsWith('.')) continue;
      const full = path.join(dir, ent.name);
      let isDir = ent.isDirectory();
      let isFile = ent.isFile();
      if (ent.isSymbolicLink()) {
        const target = await fs.realpath(full).catch(() => undefined);
        if (!target || !(target === realRoot || target.startsWith(realRoot + path.sep))) continue; // outside the root: ignored
        const st = await fs.stat(target).catch(() => undefined);
        isDir = !!st?.isDirectory();
        isFile = !!st?.isFile();
      }
      if (isDir) await walk(full);
      else if (isFile && RESOURCE_EXTENSIONS.some((x) => ent.name.toLowerCase().endsWith(x))) {
        const rel = path.relative(absRoot, full).split(path.sep).join('/');
        try {
          const st = await fs.stat(full);
          if (st.size <= MAX_FILE_BYTES && resources.size < MAX_FILES) resources.set(rel, await fs.readFile(full, 'utf8'));
        } catch {
          // a side file that cannot be read is reported by the artifact that refers to it
        }
      } else if (isFile && ent.name.toLowerCase().endsWith('.xml')) {
        if (files.size >= MAX_FILES) {
          diag.error('AXON_CFG_READ_FAILED', `more than ${MAX_FILES} XML files`, { file: path.relative(absRoot, full), line: 1, col: 1 });
          return;
        }
        const rel = path.relative(absRoot, full);
        try {
          const st = await fs.stat(full);
          if (st.size > MAX_FILE_BYTES) {
            diag.error('AXON_CFG_READ_FAILED', `file larger than ${MAX_FILE_BYTES} bytes`, { file: rel, line: 1, col: 1 });
            continue;
          }
          files.set(rel, await fs.readFile(full, 'utf8'));
        } catch (e) {
          diag.error('AXON_CFG_READ_FAILED', `cannot read the file: ${(e as Error).message}`, { file: rel, line: 1, col: 1 });
        }
      }
    }
  };
  await walk(absRoot);
  return { root: absRoot, files, resources };
}

/** Parse and read files (already in memory) into an ArtifactSet. */
export function readFiles(
  files: Map<string, string>,
  registry: ReaderRegistry,
  diag: Diagnostics,
  displayPrefix = '',
  resources: ReadonlyMap<string, string> = new Map(),
): ArtifactSet {
  const out = emptyArtifacts();
  const hashes: ArtifactSet['files'] = [];
  for (const [rel, text] of resources) hashes.push({ file: rel, hash: createHash('sha256').update(text).digest('hex') });
  for (const [rel, text] of files) {
    const shown = displayPrefix ? path.join(displayPrefix, rel) : rel;
    hashes.push({ file: shown, hash: createHash('sha256').update(text).digest('hex') });
    let doc;
    try {
      doc = parseXml(text);
    } catch (e) {
      if (e instanceof XmlSyntaxError) {
        diag.error(e.doctype ? 'AXON_CFG_DOCTYPE_FORBIDDEN' : 'AXON_CFG_XML_SYNTAX', e.message, { file: shown, line: e.line, col: e.col });
        continue;
      }
      throw e;
    }
    const r = new ReadContext(shown, diag, registry, resources);
    readRoot(doc.documentElement!, r, out);
  }
  out.services = readServiceCatalog(resources, diag);
  return { ...out, files: hashes };
}
