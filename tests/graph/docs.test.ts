import * as assert from "node:assert/strict";
import * as fs from "fs";
import { DOCS_SVG, renderDocsSvg } from "../../scripts/graph-docs";

describe("docs/web-redis.svg", () => {
    it("is what the default example renders today (regenerate with `npm run docs:graph`)", async () => {
        assert.ok(fs.existsSync(DOCS_SVG), "docs/web-redis.svg is missing: run `npm run docs:graph`");
        const committed = fs.readFileSync(DOCS_SVG, "utf8");
        assert.ok(
            committed === (await renderDocsSvg()),
            "docs/web-redis.svg is stale: run `npm run docs:graph`",
        );
    });
});
