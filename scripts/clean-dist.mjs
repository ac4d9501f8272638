// A build starts from an empty dist/: tsc never deletes what a moved or removed source compiled to, and
// `npm pack` ships everything under dist/, so stale modules and declarations would be published.
import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

rmSync(join(dirname(fileURLToPath(import.meta.url)), "..", "dist"), { recursive: true, force: true });
