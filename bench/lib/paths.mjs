import { mkdirSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const RESULTS = join(ROOT, 'bench', 'results');
mkdirSync(RESULTS, { recursive: true });
/** The project's Node.js 24 (the `node` devDependency), whatever `node` the caller's PATH finds. */
export const NODE = realpathSync(join(ROOT, 'node_modules', '.bin', 'node'));
