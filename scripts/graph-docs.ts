import * as fs from "fs";
import * as path from "path";
import { graphProject, renderGraph } from "../engine/graph";

/**
 * Renders the default example's graph into `docs/web-redis.svg`, the picture the README shows
 * (`npm run docs:graph`). tests/graph/docs.test.ts fails when the committed file differs from a fresh render.
 */

export const ROOT = path.resolve(__dirname, "..");
export const DOCS_SVG = path.join(ROOT, "docs", "web-redis.svg");
export const DEFAULT_EXAMPLE = path.join(ROOT, "examples", "web-redis");

export async function renderDocsSvg(): Promise<string> {
    return renderGraph(await graphProject({ projectDir: DEFAULT_EXAMPLE }), "svg");
}

if (require.main === module) {
    renderDocsSvg().then(
        (svg) => {
            fs.mkdirSync(path.dirname(DOCS_SVG), { recursive: true });
            fs.writeFileSync(DOCS_SVG, svg);
            process.stdout.write(`wrote ${path.relative(process.cwd(), DOCS_SVG)}\n`);
        },
        (err: unknown) => {
            process.stderr.write(`graph-docs: ${err instanceof Error ? err.message : String(err)}\n`);
            process.exitCode = 1;
        },
    );
}
