import * as assert from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { preview, ROOT } from "../examples/gate";
import { lineOf } from "./run";

const PACKAGE = "alicloud-secure-groups";

interface PackedFile {
    readonly path: string;
}

/**
 * What a user gets from `npm install alicloud-secure-groups`: the tarball `npm pack` makes, unpacked into a
 * project's node_modules, its dependencies beside it (linked from this repository's, as npm would have
 * installed them). The repository's own layout hides packaging mistakes, such as a bundled pack whose
 * sources the tarball does not ship.
 */
describe("the installed package", function () {
    this.timeout(240_000);
    let tmp: string;
    let files: string[];
    let app: string;

    before(function () {
        if (!fs.existsSync(path.join(ROOT, "dist", "index.js"))) {
            throw new Error("dist/ is missing: run `npm run build` (npm test does) before these tests");
        }
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "alicloud-sg-package-"));
        // dist/ is already built: the tarball packs it as it is, without running `prepare` again.
        const packed = JSON.parse(
            execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", tmp], {
                cwd: ROOT,
                encoding: "utf8",
                stdio: ["ignore", "pipe", "ignore"],
            }),
        ) as { filename: string; files: PackedFile[] }[];
        files = packed[0].files.map((file) => file.path);

        app = path.join(tmp, "app");
        const installed = path.join(app, "node_modules", PACKAGE);
        fs.mkdirSync(installed, { recursive: true });
        execFileSync("tar", [
            "xzf",
            path.join(tmp, packed[0].filename),
            "-C",
            installed,
            "--strip-components=1",
        ]);
        // Everything npm would install for the app, but not this repository's own tools: a runtime import of a
        // devDependency must fail here as it would for a user. The app brings ts-node and TypeScript itself.
        const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
            devDependencies: Record<string, string>;
        };
        const appDependencies = new Set(["ts-node", "typescript"]);
        const devOnly = new Set(
            Object.keys(manifest.devDependencies).filter((name) => !appDependencies.has(name)),
        );
        const link = (name: string): void => {
            if (!devOnly.has(name) && name !== PACKAGE) {
                fs.symlinkSync(path.join(ROOT, "node_modules", name), path.join(app, "node_modules", name));
            }
        };
        for (const entry of fs.readdirSync(path.join(ROOT, "node_modules"))) {
            if (entry.startsWith(".")) {
                continue;
            }
            if (entry.startsWith("@")) {
                fs.mkdirSync(path.join(app, "node_modules", entry), { recursive: true });
                for (const scoped of fs.readdirSync(path.join(ROOT, "node_modules", entry))) {
                    link(`${entry}/${scoped}`);
                }
            } else {
                link(entry);
            }
        }
        for (const file of ["Pulumi.yaml", "index.ts"]) {
            fs.copyFileSync(path.join(ROOT, "examples", "violations", file), path.join(app, file));
        }
    });

    after(function () {
        if (tmp) {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });

    it("ships the compiled policy pack with its manifest", function () {
        for (const file of ["index.js", "policies.js", "PulumiPolicy.yaml", "package.json"]) {
            assert.ok(files.includes(`dist/policies/${file}`), `dist/policies/${file} is not in the tarball`);
        }
        assert.deepStrictEqual(
            files.filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts")),
            [],
            "TypeScript sources in the tarball",
        );
    });

    it("runs the README's CI recipe on a refused program: exit 2, and a SARIF error at the user's line", function () {
        // The gate step of the README's workflow, as written there.
        const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
        const step = /^\s*- run: (npx alicloud-sg preview .*)$/m.exec(readme);
        assert.ok(step, "the README's CI recipe has a gate step");
        const command = step[1];
        assert.match(command, /--format sarif --out (\S+)/);
        const sarifFile = path.join(app, /--out (\S+)/.exec(command)?.[1] as string);

        const refused = path.join(tmp, "refused");
        fs.mkdirSync(refused);
        fs.symlinkSync(path.join(app, "node_modules"), path.join(refused, "node_modules"));
        fs.mkdirSync(path.join(app, "node_modules", ".bin"), { recursive: true });
        const bin = path.join(app, "node_modules", ".bin", "alicloud-sg");
        if (!fs.existsSync(bin)) {
            fs.symlinkSync(path.join("..", PACKAGE, "bin", "alicloud-sg.js"), bin);
        }
        for (const file of ["Pulumi.yaml", "index.ts"]) {
            fs.copyFileSync(
                path.join(ROOT, "tests", "fixtures", "programs", "refused", file),
                path.join(refused, file),
            );
        }
        const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", CI: "true" };
        delete env.ALICLOUD_SG_FROM_SOURCES;
        const run = spawnSync("sh", ["-c", command], { cwd: refused, env, encoding: "utf8" });
        assert.strictEqual(run.status, 2, run.stderr + run.stdout);
        const written = path.join(refused, path.relative(app, sarifFile));
        const sarif = JSON.parse(fs.readFileSync(written, "utf8")) as {
            version: string;
            runs: {
                invocations: {
                    executionSuccessful: boolean;
                    toolExecutionNotifications: { level: string }[];
                }[];
                results: {
                    ruleId: string;
                    level: string;
                    message: { text: string };
                    locations: {
                        physicalLocation: {
                            artifactLocation: { uri: string };
                            region: { startLine: number };
                        };
                    }[];
                }[];
            }[];
        };
        assert.strictEqual(sarif.version, "2.1.0");
        const [runLog] = sarif.runs;
        assert.strictEqual(runLog.invocations[0].executionSuccessful, false);
        assert.strictEqual(runLog.invocations[0].toolExecutionNotifications[0].level, "error");
        assert.strictEqual(runLog.results.length, 1);
        const [result] = runLog.results;
        assert.strictEqual(result.ruleId, "alicloud-sg/program-error");
        assert.strictEqual(result.level, "error");
        assert.ok(
            result.message.text.startsWith(
                'program failed: WebTierGroup "web": publicPorts[2] opens port 22 of a service that must never face ' +
                    "the open Internet to 0.0.0.0/0",
            ),
            result.message.text,
        );
        assert.deepStrictEqual(result.locations[0].physicalLocation.artifactLocation.uri, "index.ts");
        assert.strictEqual(
            result.locations[0].physicalLocation.region.startLine,
            lineOf(path.join(refused, "index.ts"), 'new WebTierGroup("web"'),
        );
        assert.ok(run.stderr.includes(result.message.text), run.stderr);
    });

    it("gates a program with its bundled pack and finds what the repository's gate finds", async function () {
        const installedBin = path.join(app, "node_modules", PACKAGE, "bin", "alicloud-sg.js");
        const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
        delete env.ALICLOUD_SG_FROM_SOURCES;
        const installed = spawnSync(process.execPath, [installedBin, "preview", "."], {
            cwd: app,
            env,
            encoding: "utf8",
        });
        const repository = await preview(path.join(ROOT, "examples", "violations"));
        assert.ok(repository.report, repository.stderr);

        assert.strictEqual(installed.status, 1, installed.stderr + installed.stdout);
        assert.match(
            installed.stdout,
            new RegExp(`${PACKAGE}@v\\S+ \\(node_modules/${PACKAGE}/dist/policies\\)`),
            "the bundled pack is not the installed package's compiled one",
        );
        const { summary, violations } = repository.report;
        assert.ok(summary.mandatory > 0, "the example has mandatory violations to find");
        assert.ok(
            installed.stdout.includes(
                `Resources: ${summary.resources} · Policy violations: ${summary.mandatory} mandatory, ${summary.advisory} advisory`,
            ),
            installed.stdout,
        );
        for (const violation of violations) {
            assert.ok(
                installed.stdout.includes(violation.policyName),
                `${violation.policyName} not reported`,
            );
        }
    });
});
