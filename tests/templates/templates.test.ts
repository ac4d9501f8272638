import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import {
    countsByType,
    GateRun,
    preview,
    PreviewReport,
    reportOf,
    ROOT,
    violationLines,
} from "../examples/gate";

const GROUP = "alicloud:ecs/securityGroup:SecurityGroup";
const RULE = "alicloud:ecs/securityGroupRule:SecurityGroupRule";
const WEB_TIER = "alicloud-secure-groups:index:WebTierGroup";
const SECURE_GROUP = "alicloud-secure-groups:index:SecureGroup";
const THREE_TIER = "alicloud-secure-groups:index:ThreeTierGroups";

const PACKAGE = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
    name: string;
    version: string;
};
const PROJECT = "shop-tiers";

interface TemplatePrompt {
    description?: string;
    default?: string;
}

function readTemplate(name: string): {
    template: { description?: string; config?: Record<string, TemplatePrompt> };
} {
    return YAML.parse(fs.readFileSync(path.join(ROOT, "templates", name, "Pulumi.yaml"), "utf8"));
}

function copyDir(from: string, to: string): void {
    fs.mkdirSync(to, { recursive: true });
    for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
        const source = path.join(from, entry.name);
        const target = path.join(to, entry.name);
        if (entry.isDirectory()) {
            copyDir(source, target);
        } else {
            // `pulumi new` fills these two placeholders in every file it copies.
            const text = fs
                .readFileSync(source, "utf8")
                .replace(/\$\{PROJECT\}/g, PROJECT)
                .replace(/\$\{DESCRIPTION\}/g, "A project made from the template");
            fs.writeFileSync(target, text);
        }
    }
}

/**
 * What `pulumi new <template>` followed by `npm install` leaves behind, offline: the template's files with their
 * placeholders filled, each prompt's answer (or default) in `Pulumi.dev.yaml` as a string in the project's
 * namespace, and `node_modules` entries linked to this repository's — the package itself for
 * `alicloud-secure-groups` — instead of installed from the registry.
 */
function instantiate(name: string, answers: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `template-${name}-`));
    copyDir(path.join(ROOT, "templates", name), dir);
    const prompts = readTemplate(name).template.config ?? {};
    const config: Record<string, string> = {};
    for (const [key, prompt] of Object.entries(prompts)) {
        const value = answers[key] ?? prompt.default;
        assert.ok(value !== undefined, `the test must answer the prompt ${key}, which has no default`);
        config[`${PROJECT}:${key}`] = value;
    }
    fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), YAML.stringify({ config }));
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as {
        dependencies: Record<string, string>;
    };
    for (const dependency of Object.keys(manifest.dependencies)) {
        const link = path.join(dir, "node_modules", dependency);
        fs.mkdirSync(path.dirname(link), { recursive: true });
        const target = dependency === PACKAGE.name ? ROOT : path.join(ROOT, "node_modules", dependency);
        assert.ok(fs.existsSync(target), `${dependency} is installed in this repository`);
        fs.symlinkSync(target, link, "dir");
    }
    return dir;
}

const created: string[] = [];
const runs: Record<string, Promise<GateRun>> = {};
function run(key: string, template: string, answers: Record<string, string>): Promise<GateRun> {
    if (!runs[key]) {
        const dir = instantiate(template, answers);
        created.push(dir);
        runs[key] = preview(dir);
    }
    return runs[key];
}

const TYPO_TIERS =
    '{"app":{"serves":{"http":{"to":["web"],"ports":[8080]}}},"data":{"serves":{"mysql":["ap"]}}}';
const ALL: [string, string, Record<string, string>][] = [
    ["three-tier", "three-tier", { vpcId: "vpc-bp1example" }],
    [
        "three-tier-admin",
        "three-tier",
        { vpcId: "vpc-bp1example", adminGroupId: "sg-bp1bastion", appPort: "9000" },
    ],
    ["tiers-from-config", "tiers-from-config", { vpcId: "vpc-bp1example" }],
    ["tiers-from-config-typo", "tiers-from-config", { vpcId: "vpc-bp1example", tiers: TYPO_TIERS }],
];

function ruleLines(report: PreviewReport): string[] {
    return report.resources
        .filter((r) => r.type === RULE)
        .map((r) => {
            const peer = r.inputs.cidrIp ?? r.inputs.sourceSecurityGroupId ?? "?";
            return `${r.name} ${String(r.inputs.policy)} ${String(r.inputs.portRange)} ${String(peer)}`;
        })
        .sort();
}

describe("templates, instantiated as `pulumi new` would and run through `alicloud-sg preview`", function () {
    this.timeout(600_000);
    before(() => {
        for (const [key, template, answers] of ALL) {
            void run(key, template, answers);
        }
    });
    after(async () => {
        await Promise.all(Object.values(runs));
        for (const dir of created) {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    for (const name of ["three-tier", "tiers-from-config"]) {
        it(`${name}: has a template section with a described prompt per config key, and pins this package`, () => {
            const project = readTemplate(name);
            assert.ok(project.template.description, "template.description");
            const prompts = Object.entries(project.template.config ?? {});
            assert.ok(prompts.length > 0);
            for (const [key, prompt] of prompts) {
                assert.ok(prompt.description && prompt.description.length > 10, `${key} has a description`);
            }
            const manifest = JSON.parse(
                fs.readFileSync(path.join(ROOT, "templates", name, "package.json"), "utf8"),
            );
            assert.strictEqual(manifest.dependencies[PACKAGE.name], PACKAGE.version);
            assert.ok(fs.existsSync(path.join(ROOT, "templates", name, "README.md")));
        });
    }

    describe("three-tier", () => {
        let plain: PreviewReport;
        let admin: PreviewReport;
        before(async () => {
            const [first, second] = await Promise.all([
                run("three-tier", "three-tier", {}),
                run("three-tier-admin", "three-tier", {}),
            ]);
            assert.strictEqual(first.code, 0, first.stderr);
            assert.strictEqual(second.code, 0, second.stderr);
            plain = reportOf(first);
            admin = reportOf(second);
        });
        it("with the defaults: three groups, web open on 80/443, app on 8080 from web, data from app; no violation", () => {
            assert.deepStrictEqual(violationLines(plain), []);
            assert.strictEqual(plain.project, PROJECT);
            assert.deepStrictEqual(countsByType(plain), {
                [THREE_TIER]: 1,
                [WEB_TIER]: 1,
                [SECURE_GROUP]: 2,
                [GROUP]: 3,
                [RULE]: 8,
            });
            assert.deepStrictEqual(ruleLines(plain), [
                `${PROJECT}-app-allow-http-from-web accept 8080/8080 [unknown]`,
                `${PROJECT}-app-drop-baseline drop -1/-1 0.0.0.0/0`,
                `${PROJECT}-data-allow-mysql-from-app accept 3306/3306 [unknown]`,
                `${PROJECT}-data-allow-redis-from-app accept 6379/6379 [unknown]`,
                `${PROJECT}-data-drop-baseline drop -1/-1 0.0.0.0/0`,
                `${PROJECT}-web-allow-http-from-internet accept 80/80 0.0.0.0/0`,
                `${PROJECT}-web-allow-https-from-internet accept 443/443 0.0.0.0/0`,
                `${PROJECT}-web-drop-baseline drop -1/-1 0.0.0.0/0`,
            ]);
            for (const group of plain.resources.filter((r) => r.type === GROUP)) {
                assert.strictEqual(group.inputs.vpcId, "vpc-bp1example");
                assert.strictEqual((group.inputs.tags as Record<string, string>).owner, "team-app");
            }
        });
        it("with a bastion and another app port: SSH from the bastion on every tier, the app on that port", () => {
            assert.deepStrictEqual(violationLines(admin), []);
            const lines = ruleLines(admin);
            assert.deepStrictEqual(
                lines.filter((line) => line.includes("-allow-ssh-")),
                ["app", "data", "web"].map(
                    (tier) => `${PROJECT}-${tier}-allow-ssh-from-bastion accept 22/22 sg-bp1bastion`,
                ),
            );
            assert.ok(
                lines.includes(`${PROJECT}-app-allow-http-from-web accept 9000/9000 [unknown]`),
                lines.join("\n"),
            );
            assert.strictEqual(admin.summary.resources, plain.summary.resources + 3);
        });
    });

    describe("tiers-from-config", () => {
        let report: PreviewReport;
        let typo: GateRun;
        before(async () => {
            const result = await run("tiers-from-config", "tiers-from-config", {});
            assert.strictEqual(result.code, 0, result.stderr);
            report = reportOf(result);
            typo = await run("tiers-from-config-typo", "tiers-from-config", {});
        });
        it("builds the tiers of the default description, with no violation", () => {
            assert.deepStrictEqual(violationLines(report), []);
            assert.deepStrictEqual(countsByType(report), {
                [THREE_TIER]: 1,
                [WEB_TIER]: 1,
                [SECURE_GROUP]: 2,
                [GROUP]: 3,
                [RULE]: 8,
            });
            assert.deepStrictEqual(
                ruleLines(report).filter((line) => line.includes(" accept ")),
                [
                    `${PROJECT}-app-allow-http-from-web accept 8080/8080 [unknown]`,
                    `${PROJECT}-data-allow-mysql-from-app accept 3306/3306 [unknown]`,
                    `${PROJECT}-data-allow-redis-from-app accept 6379/6379 [unknown]`,
                    `${PROJECT}-web-allow-http-from-internet accept 80/80 0.0.0.0/0`,
                    `${PROJECT}-web-allow-https-from-internet accept 443/443 0.0.0.0/0`,
                ],
            );
        });
        it("exits 2 on a typo in the description, naming the key and its value", () => {
            assert.strictEqual(typo.code, 2, typo.stderr);
            assert.match(typo.stderr, new RegExp(`stack config ${PROJECT}:tiers: `));
            assert.match(typo.stderr, /tiers\.data\.serves\.mysql\[0\] must be one of web, app \(got "ap"\)/);
        });
    });
});
