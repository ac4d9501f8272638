import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    captureFrameAt,
    isUserFile,
    nearestUserFrameDepth,
    parseFrame,
    positionLabel,
} from "../../engine/userFrames";

type Locate = (depth: typeof nearestUserFrameDepth, at: typeof captureFrameAt) => unknown;

describe("engine/userFrames: the nearest frame of the user's code", () => {
    let dir: string;
    let locate: Locate;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "user-frames-"));
        // A package that reaches its caller through a native frame (Array.prototype.map), as a component's
        // forEach over its rules does.
        const lib = path.join(dir, "node_modules", "lib");
        fs.mkdirSync(lib, { recursive: true });
        fs.writeFileSync(
            path.join(lib, "index.js"),
            "exports.locate = (depth, at) => [0].map(() => { const d = depth(64); return d === undefined ? undefined : at(d); })[0];\n",
        );
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        locate = (require(lib) as { locate: Locate }).locate;
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("finds it past packages and native frames, at the position the call was made from", () => {
        const line = new Error().stack?.split("\n")[1]; // this line, as V8 prints it
        const found = locate(nearestUserFrameDepth, captureFrameAt) as
            { file: string; line: number } | undefined;
        assert.strictEqual(found?.file, __filename);
        assert.strictEqual(found?.line, parseFrame(line ?? "")!.line + 1);
    });

    it("reads V8's frame lines, files starting after 'at ' or '('", () => {
        assert.deepStrictEqual(parseFrame("    at new WebTierGroup (/app/node_modules/x/web.js:30:9)"), {
            fn: "new WebTierGroup",
            file: "/app/node_modules/x/web.js",
            line: 30,
            column: 9,
        });
        assert.deepStrictEqual(parseFrame("    at /app/index.ts:3:1"), {
            fn: null,
            file: "/app/index.ts",
            line: 3,
            column: 1,
        });
        assert.deepStrictEqual(parseFrame("    at async main (file:///app/index.mjs:4:2)"), {
            fn: "main",
            file: "/app/index.mjs",
            line: 4,
            column: 2,
        });
        assert.strictEqual(
            parseFrame("    at Module._compile (node:internal/modules/cjs/loader:1521:14)"),
            undefined,
        );
        assert.strictEqual(parseFrame("    at Array.forEach (<anonymous>)"), undefined);
    });

    it("tells the user's files from packages, Node's and this package's own", () => {
        assert.strictEqual(isUserFile("/work/app/index.ts"), true);
        assert.strictEqual(isUserFile("/work/app/node_modules/@pulumi/alicloud/getZones.js"), false);
        assert.strictEqual(
            isUserFile(path.resolve(__dirname, "..", "..", "dist", "components", "webTierGroup.js")),
            false,
        );
        assert.strictEqual(
            isUserFile(path.resolve(__dirname, "..", "..", "engine", "programHost.ts")),
            false,
        );
        assert.strictEqual(
            isUserFile(path.resolve(__dirname, "..", "..", "examples", "web-redis", "index.ts")),
            true,
        );
        assert.strictEqual(isUserFile("node:internal/modules/cjs/loader"), false);
    });

    it("prints positions relative to the project, absolute outside it", () => {
        const position = { file: "/work/app/lib/net.ts", line: 12, column: 5 };
        assert.strictEqual(positionLabel(position, "/work/app"), "lib/net.ts:12");
        assert.strictEqual(positionLabel(position, "/work/app", true), "lib/net.ts:12:5");
        assert.strictEqual(positionLabel(position, "/work/other"), "/work/app/lib/net.ts:12");
    });
});
