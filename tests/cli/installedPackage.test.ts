import * as assert from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { preview, ROOT } from "../examples/gate";

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
                ` · Policy violations: ${summary.mandatory} mandatory, ${summary.advisory} advisory`,
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
