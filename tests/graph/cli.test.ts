import * as assert from "node:assert/strict";
import { spawn } from "child_process";
import { XMLValidator } from "fast-xml-parser";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { layoutJson } from "../../engine/graph/svg";
import { parseMermaid } from "./mermaidReader";

const ROOT = path.resolve(__dirname, "../..");
const BIN = path.join(ROOT, "bin", "alicloud-sg.js");
const WEB_REDIS = path.join(ROOT, "examples", "web-redis");

interface Run {
    readonly code: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

/** The real command, from the current sources rather than the last build. */
function alicloudSg(args: readonly string[]): Promise<Run> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [BIN, ...args], {
            cwd: ROOT,
            env: { ...process.env, ALICLOUD_SG_FROM_SOURCES: "1", NO_COLOR: "1" },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
}

/** The default example as DESIGN §3's document, read off examples/web-redis/index.ts. */
const WEB_REDIS_GRAPH = {
    nodes: [
        { id: "internet", label: "Internet", kind: "internet", instances: [] },
        { id: "web", label: "web", kind: "group", instances: ["web-1", "web-2"] },
        { id: "cache", label: "cache", kind: "group", instances: ["redis-1"] },
    ],
    edges: [
        { from: "internet", to: "web", protocol: "tcp", ports: ["80/80", "443/443"] },
        { from: "web", to: "cache", protocol: "tcp", ports: ["6379/6379"] },
        { from: "cache", to: "cache", protocol: "tcp", ports: ["6379/6379"] },
    ],
};
const WEB_REDIS_ARROWS = ["Internet -> web", "cache -> cache", "web -> cache"];

describe("alicloud-sg graph (the real command)", function () {
    // Eight runs of the command, two at a time: on a loaded 2-CPU machine 120 s was not always enough.
    this.timeout(300_000);
    const runs = new Map<string, Run>();
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "alicloud-sg-graph-"));
    const svgFile = path.join(outDir, "graph.svg");
    const commands: Record<string, string[]> = {
        json: ["graph", WEB_REDIS, "--format", "json"],
        mermaid: ["graph", WEB_REDIS],
        dot: ["graph", WEB_REDIS, "--format", "dot"],
        svg: ["graph", WEB_REDIS, "--format", "svg", "--out", svgFile],
        badFormat: ["graph", WEB_REDIS, "--format", "png"],
        noProject: ["graph", outDir],
        throws: ["graph", path.join(ROOT, "tests", "fixtures", "programs", "throws"), "--format", "json"],
        previewText: ["preview", WEB_REDIS],
    };

    before(async () => {
        const queue = Object.entries(commands);
        const worker = async () => {
            for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
                runs.set(next[0], await alicloudSg(next[1]));
            }
        };
        await Promise.all([worker(), worker()]);
    });

    after(() => fs.rmSync(outDir, { recursive: true, force: true }));

    it("--format json prints DESIGN §3's document: the exact nodes and effective edges", () => {
        const run = runs.get("json") as Run;
        assert.equal(run.code, 0, run.stderr);
        assert.deepEqual(JSON.parse(run.stdout), WEB_REDIS_GRAPH);
    });

    it("prints Mermaid by default, which reads back to the same arrows", () => {
        const run = runs.get("mermaid") as Run;
        assert.equal(run.code, 0, run.stderr);
        const parsed = parseMermaid(run.stdout);
        const label = (id: string) => parsed.nodes.get(id)?.lines[0];
        assert.deepEqual(
            parsed.links.map((link) => `${label(link.from)} -> ${label(link.to)}`).sort(),
            WEB_REDIS_ARROWS,
        );
        const internet = parsed.links.find((link) => label(link.from) === "Internet");
        assert.equal(internet?.thick, true);
    });

    it("--format dot is a digraph Graphviz reads, with the same arrows", async () => {
        const run = runs.get("dot") as Run;
        assert.equal(run.code, 0, run.stderr);
        const layout = (await layoutJson(run.stdout)) as {
            objects: { _gvid: number; label: string }[];
            edges: { tail: number; head: number }[];
        };
        const label = (gvid: number) => layout.objects.find((o) => o._gvid === gvid)?.label.split("\\n")[0];
        assert.deepEqual(
            layout.edges.map((e) => `${label(e.tail)} -> ${label(e.head)}`).sort(),
            WEB_REDIS_ARROWS,
        );
    });

    it("--format svg --out writes well-formed SVG naming every group, and nothing on stdout", () => {
        const run = runs.get("svg") as Run;
        assert.equal(run.code, 0, run.stderr);
        assert.equal(run.stdout, "");
        const svg = fs.readFileSync(svgFile, "utf8");
        assert.equal(XMLValidator.validate(svg), true);
        for (const name of ["web", "cache", "web&#45;1, web&#45;2", "redis&#45;1", "Internet"]) {
            assert.ok(svg.includes(`>${name}</text>`), name);
        }
    });

    it("exits 2 with a clear message for a bad format, a directory without Pulumi.yaml, a program that throws", () => {
        const badFormat = runs.get("badFormat") as Run;
        assert.equal(badFormat.code, 2);
        assert.match(badFormat.stderr, /--format <FORMAT>' argument 'png' is invalid/);
        const noProject = runs.get("noProject") as Run;
        assert.equal(noProject.code, 2);
        assert.match(noProject.stderr, /no Pulumi\.yaml in /);
        const throws = runs.get("throws") as Run;
        assert.equal(throws.code, 2);
        assert.match(throws.stderr, /program failed: fixture program refuses to run: missing region/);
        // As preview's JSON report on exit 2: the refusal as a document, never nothing.
        assert.deepEqual(JSON.parse(throws.stdout), {
            error: { message: throws.stderr.replace(/^alicloud-sg: /, "").trimEnd(), source: "index.ts:8" },
        });
    });

    it("preview's text report says, per group, what the Internet can reach", () => {
        const run = runs.get("previewText") as Run;
        assert.equal(run.code, 0, run.stderr);
        const lines = run.stdout.split("\n");
        const start = lines.indexOf(
            "Exposure (after priority resolution; the open Internet is any address, or a public block broader than /16 (IPv4) or /48 (IPv6)):",
        );
        assert.ok(start >= 0, run.stdout);
        assert.deepEqual(lines.slice(start + 1, start + 3), [
            "    web (web-1, web-2)  tcp 80/80, 443/443 from Internet",
            "    cache (redis-1)     nothing",
        ]);
    });
});
