/**
 * The pack as Pulumi Cloud enforces it. `pulumi policy publish` runs `npm pack` in the pack directory and uploads
 * the tarball; wherever a policy group enforces it, the CLI extracts the tarball into a temporary directory,
 * moves its `package` folder to `~/.pulumi/policies/<org>/<pack>/<version>` and has the Node.js language host
 * install its dependencies there with `npm install --loglevel=error` (npm, as no yarn, pnpm or bun lockfile
 * travels; pkg/backend/httpstate/policypack.go installRequiredPolicy, sdk/nodejs/npm). Then it starts the pack with
 * the runner of the `@pulumi/pulumi` that directory resolves. This suite does each step, outside the repository,
 * so that nothing resolves through this repository's node_modules.
 */
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EngineServer } from "../../engine/engineServer";
import { readPolicyPackConfig } from "../../engine/policyConfig";
import { PolicyPackProcess, type AnalyzerInfo } from "../../engine/policyPack";
import { loadProject, type ProjectSettings } from "../../engine/project";
import { runPacks } from "../../engine/runPacks";
import { runProgram } from "../../engine/runProgram";
import { pulumiSdkDir } from "../../engine/sdk";
import type { PackResult, Violation } from "../../engine/types";

const ROOT = path.resolve(__dirname, "..", "..");
const BUILT_PACK = path.join(ROOT, "dist", "policy-pack");
const SOURCE_PACK = path.join(ROOT, "policies");
const EXAMPLES = path.join(ROOT, "examples");

function npm(args: readonly string[], cwd: string): string {
    return execFileSync("npm", [...args], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

async function analyzerInfo(packDir: string, project: ProjectSettings): Promise<AnalyzerInfo> {
    const engine = new EngineServer();
    let pack: PolicyPackProcess | undefined;
    try {
        pack = await PolicyPackProcess.start(packDir, await engine.start(), project);
        await pack.configureStack(project);
        return await pack.getAnalyzerInfo();
    } finally {
        pack?.stop();
        engine.stop();
        await pack?.exited();
    }
}

/** A violation without the pack's own directory-specific fields, sortable and comparable across packs. */
const verdicts = (pack: PackResult): string[] =>
    pack.violations
        .map((v: Violation) => JSON.stringify([v.policyName, v.enforcementLevel, v.urn, v.message]))
        .sort();

describe("the published policy pack, installed as the Pulumi CLI installs it", function () {
    this.timeout(900_000);
    let tmp: string;
    let installed: string;
    let tarballFiles: string[];
    const project = loadProject(path.join(EXAMPLES, "web-redis"));

    before(function () {
        if (!fs.existsSync(path.join(BUILT_PACK, "index.js"))) {
            throw new Error(
                "dist/policy-pack is missing: run `npm run build` (npm test does) before these tests",
            );
        }
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "alicloud-sg-published-"));
        // pulumi policy publish: `npm pack --loglevel=error` in the pack directory.
        const packed = JSON.parse(
            npm(["pack", "--loglevel=error", "--json", "--pack-destination", tmp], BUILT_PACK),
        ) as { filename: string; files: { path: string }[] }[];
        tarballFiles = packed[0].files.map((file) => file.path).sort();
        // installRequiredPolicy: extract into a temporary directory, move its `package` folder into place.
        const extracted = fs.mkdtempSync(path.join(tmp, "v0.1.0.tmp"));
        execFileSync("tar", ["xzf", path.join(tmp, packed[0].filename), "-C", extracted]);
        installed = path.join(tmp, "policies", "acme", "alicloud-secure-groups", "v0.1.0");
        fs.mkdirSync(path.dirname(installed), { recursive: true });
        fs.renameSync(path.join(extracted, "package"), installed);
        // The language host's install for a plugin: `npm install --loglevel=error`. --prefer-offline and no audit
        // or funding requests only keep the test fast; what is installed is what the package.json declares.
        npm(["install", "--loglevel=error", "--prefer-offline", "--no-audit", "--no-fund"], installed);
    });

    after(function () {
        if (tmp) {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });

    it("is self-contained: the tarball holds the bundle, its manifest, PulumiPolicy.yaml and a README", function () {
        assert.deepStrictEqual(tarballFiles, ["PulumiPolicy.yaml", "README.md", "index.js", "package.json"]);
        const manifest = JSON.parse(fs.readFileSync(path.join(installed, "package.json"), "utf8"));
        assert.deepStrictEqual(Object.keys(manifest.dependencies).sort(), [
            "@pulumi/alicloud",
            "@pulumi/policy",
            "@pulumi/pulumi",
            "ipaddr.js",
        ]);
        for (const range of Object.values(manifest.dependencies)) {
            assert.match(String(range), /^\^\d+\.\d+\.\d+$/);
        }
        // The runner the CLI would start, and every package, come from the pack's own installation.
        assert.strictEqual(
            pulumiSdkDir(installed),
            path.join(installed, "node_modules", "@pulumi", "pulumi"),
        );
        assert.ok(!fs.existsSync(path.join(installed, "node_modules", "alicloud-secure-groups")));
        const bundle = fs.readFileSync(path.join(installed, "index.js"), "utf8");
        assert.deepStrictEqual(
            [...bundle.matchAll(/require\("(\.[^"]*)"\)/g)].map((match) => match[1]),
            [],
            "the bundle requires nothing by a relative path",
        );
    });

    it("answers GetAnalyzerInfo with the in-repository pack's policies and metadata", async function () {
        const published = await analyzerInfo(installed, project);
        const source = await analyzerInfo(SOURCE_PACK, project);
        assert.deepStrictEqual(published, source);
        assert.strictEqual(published.name, "alicloud-secure-groups");
        assert.strictEqual(published.version, "0.1.0");
        assert.strictEqual(published.displayName, "Alibaba Cloud security groups");
        assert.strictEqual(published.provider, "alicloud");
        assert.deepStrictEqual(published.tags, ["alicloud", "security-group", "network", "cis"]);
        assert.strictEqual(
            published.repository,
            "https://github.com/alicloud-secure-groups/alicloud-secure-groups",
        );
        assert.strictEqual(published.readme, fs.readFileSync(path.join(SOURCE_PACK, "README.md"), "utf8"));
        assert.deepStrictEqual(
            published.policies.map((policy) => policy.name),
            [
                "disallow-broad-intranet-cidr",
                "missing-security-group-tags",
                "disallow-excess-security-groups",
                "disallow-public-risky-ports",
                "disallow-invalid-rule",
                "disallow-classic-intranet-cidr",
                "disallow-cross-network-membership",
                "missing-drop-baseline",
                "prefer-source-group-authorization",
                "disallow-all-ports-accept",
                "disallow-open-egress",
                "missing-explicit-rule-settings",
                "missing-security-group-description",
                "disallow-unused-security-group",
                "disallow-shadowed-rule",
                "enable-inner-access-drop",
                "disallow-untrusted-cross-account-source",
                "missing-vpc",
            ],
        );
        const crossNetwork = published.policies.find(
            (policy) => policy.name === "disallow-cross-network-membership",
        );
        assert.deepStrictEqual(
            {
                displayName: crossNetwork?.displayName,
                severity: crossNetwork?.severity,
                framework: crossNetwork?.framework,
                enforcementLevel: crossNetwork?.enforcementLevel,
            },
            {
                displayName: "Security group of another network",
                severity: "medium",
                framework: undefined,
                enforcementLevel: "mandatory",
            },
        );
        const risky = published.policies.find((policy) => policy.name === "disallow-public-risky-ports");
        assert.deepStrictEqual(
            {
                displayName: risky?.displayName,
                severity: risky?.severity,
                framework: risky?.framework,
                url: risky?.url,
                steps: risky?.remediationSteps?.slice(0, 42),
            },
            {
                displayName: "Risky ports open to the Internet",
                severity: "critical",
                framework: {
                    name: "CIS",
                    version: "2.0.0",
                    reference: "3.2, 4.3, 4.4",
                    specification: "CIS Alibaba Cloud Foundation Benchmark",
                },
                url: "https://github.com/alicloud-secure-groups/alicloud-secure-groups/blob/main/policies/README.md#disallow-public-risky-ports",
                steps: "Remove the accept that lets the open Inter",
            },
        );
        for (const policy of published.policies) {
            assert.ok(
                policy.displayName && policy.severity && policy.remediationSteps && policy.url,
                policy.name,
            );
        }
    });

    it("gives the same verdicts as the in-repository pack on every example", async function () {
        const totals = { mandatory: 0, advisory: 0 };
        for (const example of fs.readdirSync(EXAMPLES).sort()) {
            const dir = path.join(EXAMPLES, example);
            const exampleProject = loadProject(dir);
            const configFile = path.join(dir, "policy-config.json");
            const configs = fs.existsSync(configFile)
                ? [{ label: configFile, ...readPolicyPackConfig(configFile) }]
                : [];
            const run = await runProgram(exampleProject);
            const outcome = await runPacks(exampleProject, run.resources, {
                packs: [installed, SOURCE_PACK],
                configs,
            });
            const [published, source] = outcome.packs;
            assert.deepStrictEqual(verdicts(published), verdicts(source), example);
            assert.deepStrictEqual(published.remediations, source.remediations, example);
            for (const v of published.violations) {
                totals[v.enforcementLevel]++;
            }
        }
        // The examples are not all clean: the comparison covers real findings of both levels.
        assert.ok(totals.mandatory >= 10 && totals.advisory >= 5, JSON.stringify(totals));
    });
});
