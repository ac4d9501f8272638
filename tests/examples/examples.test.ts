import * as assert from "assert";
import * as path from "path";
import { POLICIES } from "../../policies/policies";
import { countsByType, GateRun, preview, PreviewReport, reportOf, ROOT, violationLines } from "./gate";

const GROUP = "alicloud:ecs/securityGroup:SecurityGroup";
const RULE = "alicloud:ecs/securityGroupRule:SecurityGroupRule";
const INSTANCE = "alicloud:ecs/instance:Instance";
const NETWORK = "alicloud:vpc/network:Network";
const SWITCH = "alicloud:vpc/switch:Switch";
const WEB_TIER = "alicloud-secure-groups:index:WebTierGroup";
const SECURE_GROUP = "alicloud-secure-groups:index:SecureGroup";
const SERVICE_GROUP = "alicloud-secure-groups:index:ServiceGroupFromSource";
const REDIS_GROUP = "alicloud-secure-groups:index:RedisGroupFromSource";
const THREE_TIER = "alicloud-secure-groups:index:ThreeTierGroups";

const example = (name: string) => path.join(ROOT, "examples", name);

// Every run starts at once; gate.ts lets two proceed at a time, and each describe awaits its own.
const runs: Record<string, Promise<GateRun>> = {};
function run(key: string, name: string, args: readonly string[] = []): Promise<GateRun> {
    runs[key] ??= preview(example(name), args);
    return runs[key];
}
const ALL: [string, string, string[]][] = [
    ["web-redis", "web-redis", []],
    ["three-tier", "three-tier", []],
    ["classic-network", "classic-network", []],
    ["cross-account", "cross-account", []],
    [
        "cross-account-trusted",
        "cross-account",
        ["--policy-pack-config", path.join(example("cross-account"), "policy-config.json")],
    ],
    ["raw-resources", "raw-resources", []],
    ["violations", "violations", []],
    ["declarative-tiers", "declarative-tiers", []],
    [
        "declarative-tiers-typo",
        "declarative-tiers",
        ["--config", 'tiers={"data":{"serves":{"mysq":["app"],"redis":["data"]}}}'],
    ],
];

function rules(report: PreviewReport) {
    return report.resources.filter((r) => r.type === RULE);
}

/** Ingress accepts from a CIDR, as `name cidr ports nicType` lines: what faces addresses rather than groups. */
function cidrAccepts(report: PreviewReport): string[] {
    return rules(report)
        .filter(
            (r) =>
                r.inputs.type === "ingress" && r.inputs.policy === "accept" && r.inputs.cidrIp !== undefined,
        )
        .map(
            (r) =>
                `${r.name} ${String(r.inputs.cidrIp)} ${String(r.inputs.portRange)} ${String(r.inputs.nicType)}`,
        )
        .sort();
}

describe("examples, through `alicloud-sg preview --format json`", function () {
    this.timeout(600_000);
    before(() => {
        for (const [key, name, args] of ALL) {
            void run(key, name, args);
        }
    });

    describe("web-redis", () => {
        let report: PreviewReport;
        before(async () => {
            const result = await run("web-redis", "web-redis");
            assert.strictEqual(result.code, 0, result.stderr);
            report = reportOf(result);
        });
        it("exits 0 with no violation and the documented resources", () => {
            assert.deepStrictEqual(violationLines(report), []);
            assert.deepStrictEqual(countsByType(report), {
                [WEB_TIER]: 1,
                [REDIS_GROUP]: 1,
                [GROUP]: 2,
                [RULE]: 7,
                [INSTANCE]: 3,
                [NETWORK]: 1,
                [SWITCH]: 1,
            });
        });
    });

    describe("three-tier", () => {
        let report: PreviewReport;
        before(async () => {
            const result = await run("three-tier", "three-tier");
            assert.strictEqual(result.code, 0, result.stderr);
            report = reportOf(result);
        });
        it("exits 0 with no violation, mandatory or advisory", () => {
            assert.deepStrictEqual(violationLines(report), []);
            assert.deepStrictEqual(report.summary, { resources: 38, mandatory: 0, advisory: 0 });
        });
        it("creates six groups, each tier with its drop baseline", () => {
            assert.deepStrictEqual(countsByType(report), {
                [WEB_TIER]: 1,
                [SECURE_GROUP]: 3,
                [SERVICE_GROUP]: 1,
                [REDIS_GROUP]: 1,
                [GROUP]: 6,
                [RULE]: 19,
                [INSTANCE]: 5,
                [NETWORK]: 1,
                [SWITCH]: 1,
            });
            const groups = report.resources.filter((r) => r.type === GROUP).map((r) => r.name);
            const baselines = rules(report)
                .filter((r) => r.name.endsWith("-drop-baseline"))
                .map((r) => r.name.replace(/-drop-baseline$/, ""));
            assert.deepStrictEqual(baselines.sort(), groups.sort());
        });
        it("faces addresses only on the web tier's 80/443 and the bastion's SSH from one office address", () => {
            assert.deepStrictEqual(cidrAccepts(report), [
                "bastion-ssh-from-office 203.0.113.10/32 22/22 intranet",
                "web-allow-http-from-internet 0.0.0.0/0 80/80 intranet",
                "web-allow-https-from-internet 0.0.0.0/0 443/443 intranet",
            ]);
        });
        it("admits SSH everywhere else only from the bastion group", () => {
            const ssh = rules(report).filter(
                (r) => r.inputs.portRange === "22/22" && r.inputs.policy === "accept",
            );
            const bastion = report.resources.find((r) => r.type === GROUP && r.name === "bastion");
            assert.ok(bastion);
            assert.deepStrictEqual(
                ssh
                    .filter((r) => r.inputs.cidrIp === undefined)
                    .map((r) => r.name)
                    .sort(),
                ["app-ssh-from-bastion", "data-admin-ssh-from-bastion", "web-allow-ssh-from-bastion"],
            );
            for (const rule of ssh.filter((r) => r.inputs.cidrIp === undefined)) {
                assert.ok(
                    rule.inputs.sourceSecurityGroupId !== undefined,
                    `${rule.name} names a source group`,
                );
            }
        });
    });

    describe("classic-network", () => {
        let report: PreviewReport;
        before(async () => {
            const result = await run("classic-network", "classic-network");
            assert.strictEqual(result.code, 0, result.stderr);
            report = reportOf(result);
        });
        it("exits 0; only the advisory missing-vpc, once per classic group", () => {
            assert.deepStrictEqual(violationLines(report), [
                "advisory missing-vpc cache",
                "advisory missing-vpc web",
            ]);
        });
        it("opens 80/443 on the internet NIC, drops on both NICs, and admits Redis by source group only", () => {
            assert.deepStrictEqual(countsByType(report), {
                [WEB_TIER]: 1,
                [REDIS_GROUP]: 1,
                [GROUP]: 2,
                [RULE]: 9,
                [INSTANCE]: 2,
            });
            assert.deepStrictEqual(cidrAccepts(report), [
                "web-allow-http-from-internet 0.0.0.0/0 80/80 internet",
                "web-allow-https-from-internet 0.0.0.0/0 443/443 internet",
            ]);
            const baselineNics = rules(report)
                .filter((r) => r.inputs.policy === "drop" && r.inputs.ipProtocol === "all")
                .map((r) => `${r.name} ${String(r.inputs.nicType)}`)
                .sort();
            assert.deepStrictEqual(baselineNics, [
                "cache-drop-baseline intranet",
                "cache-drop-baseline-internet internet",
                "web-drop-baseline intranet",
                "web-drop-baseline-internet internet",
            ]);
            for (const group of report.resources.filter((r) => r.type === GROUP)) {
                assert.strictEqual(group.inputs.vpcId, undefined, `${group.name} is a classic-network group`);
            }
        });
    });

    describe("cross-account", () => {
        let untrusted: PreviewReport;
        let trusted: PreviewReport;
        before(async () => {
            const [plain, configured] = await Promise.all([
                run("cross-account", "cross-account"),
                run("cross-account-trusted", "cross-account"),
            ]);
            assert.strictEqual(plain.code, 0, plain.stderr);
            assert.strictEqual(configured.code, 0, configured.stderr);
            untrusted = reportOf(plain);
            trusted = reportOf(configured);
        });
        it("names the partner's group and its owner account in the rule", () => {
            const rule = rules(untrusted).find((r) => r.name === "cache-allow-redis-from-partner-web");
            assert.ok(rule);
            assert.strictEqual(rule.inputs.sourceSecurityGroupId, "sg-bp1partnerweb0example");
            assert.strictEqual(rule.inputs.sourceGroupOwnerId, "1234567890123456");
            assert.strictEqual(rule.inputs.portRange, "6379/6379");
            assert.deepStrictEqual(countsByType(untrusted), {
                [REDIS_GROUP]: 1,
                [GROUP]: 1,
                [RULE]: 4,
                [INSTANCE]: 1,
                [SWITCH]: 1,
            });
        });
        it("is advised against until the account is listed in trustedAccounts, then passes clean", () => {
            assert.deepStrictEqual(violationLines(untrusted), [
                "advisory disallow-untrusted-cross-account-source cache-allow-redis-from-partner-web",
            ]);
            assert.deepStrictEqual(violationLines(trusted), []);
        });
    });

    describe("raw-resources", () => {
        let result: GateRun;
        let report: PreviewReport;
        before(async () => {
            result = await run("raw-resources", "raw-resources");
            report = reportOf(result);
        });
        it("exits 1 and reports each flaw the program's comments name, on its resource", () => {
            assert.strictEqual(result.code, 1, result.stderr);
            assert.deepStrictEqual(violationLines(report), [
                "advisory disallow-open-egress db-egress-all",
                "advisory enable-inner-access-drop db",
                "advisory missing-drop-baseline db",
                "advisory missing-explicit-rule-settings web-ssh",
                "advisory missing-security-group-description db",
                "advisory prefer-source-group-authorization db-mysql",
                "mandatory disallow-broad-intranet-cidr db-mysql",
                "mandatory disallow-broad-intranet-cidr web-ssh",
                "mandatory disallow-public-risky-ports web-ssh",
                "mandatory missing-security-group-tags db",
            ]);
            assert.deepStrictEqual(countsByType(report), {
                [GROUP]: 2,
                [RULE]: 5,
                [INSTANCE]: 2,
                [NETWORK]: 1,
                [SWITCH]: 1,
            });
        });
        it("records the program as written: no default filled in for what it left out", () => {
            const ssh = rules(report).find((r) => r.name === "web-ssh");
            assert.ok(ssh);
            assert.strictEqual(ssh.inputs.priority, undefined);
            assert.strictEqual(ssh.inputs.policy, undefined);
        });
    });

    describe("violations", () => {
        let result: GateRun;
        let report: PreviewReport;
        before(async () => {
            result = await run("violations", "violations");
            report = reportOf(result);
        });
        it("exits 1 with each mandatory policy firing once, on its deliberate resource, and nothing else mandatory", () => {
            assert.strictEqual(result.code, 1, result.stderr);
            assert.deepStrictEqual(violationLines(report, "mandatory"), [
                "mandatory disallow-broad-intranet-cidr broad-allow-8080-from-10-0-0-0-8",
                "mandatory disallow-broad-intranet-cidr risky-allow-rdp-from-internet",
                "mandatory disallow-classic-intranet-cidr classic-allow-8080-from-192-168-0-0-24",
                "mandatory disallow-cross-network-membership stray-1",
                "mandatory disallow-excess-security-groups crowded-1",
                "mandatory disallow-invalid-rule invalid-allow-reversed-ports",
                "mandatory disallow-public-risky-ports risky-allow-rdp-from-internet",
                "mandatory missing-security-group-tags untagged",
            ]);
            assert.strictEqual(report.summary.mandatory, 8);
        });
        it("covers every mandatory policy of the pack, so a new one cannot go without its example", () => {
            const mandatory = POLICIES.filter((policy) => policy.enforcementLevel === "mandatory")
                .map((policy) => policy.name)
                .sort();
            const fired = [
                ...new Set(violationLines(report, "mandatory").map((line) => line.split(" ")[1])),
            ].sort();
            assert.deepStrictEqual(fired, mandatory);
        });
        it("adds only the advisories its violations imply", () => {
            assert.deepStrictEqual(violationLines(report, "advisory"), [
                "advisory missing-vpc classic",
                "advisory missing-vpc risky",
                "advisory prefer-source-group-authorization broad-allow-8080-from-10-0-0-0-8",
            ]);
            assert.deepStrictEqual(countsByType(report), {
                [GROUP]: 12,
                [RULE]: 19,
                [INSTANCE]: 8,
                [NETWORK]: 2,
                [SWITCH]: 2,
            });
        });
        it("each message says what to change, naming the resource", () => {
            for (const violation of report.violations.filter((v) => v.enforcementLevel === "mandatory")) {
                assert.ok(violation.resourceName, violation.policyName);
                assert.ok(
                    violation.message.includes(violation.resourceName as string),
                    `${violation.policyName}: ${violation.message}`,
                );
            }
        });
    });

    describe("declarative-tiers", () => {
        let report: PreviewReport;
        let typo: GateRun;
        before(async () => {
            const result = await run("declarative-tiers", "declarative-tiers");
            assert.strictEqual(result.code, 0, result.stderr);
            report = reportOf(result);
            typo = await run("declarative-tiers-typo", "declarative-tiers");
        });
        it("builds the tiers the stack config describes, with no violation", () => {
            assert.deepStrictEqual(violationLines(report), []);
            assert.deepStrictEqual(countsByType(report), {
                [THREE_TIER]: 1,
                [WEB_TIER]: 1,
                [SECURE_GROUP]: 2,
                [GROUP]: 3,
                [RULE]: 11,
                [INSTANCE]: 3,
                [NETWORK]: 1,
                [SWITCH]: 1,
            });
            const sourced = rules(report)
                .filter((r) => r.inputs.sourceSecurityGroupId !== undefined)
                .map((r) => `${r.name} ${String(r.inputs.portRange)}`)
                .sort();
            assert.deepStrictEqual(sourced, [
                "shop-app-allow-http-from-web 8080/8080",
                "shop-app-allow-ssh-from-bastion 22/22",
                "shop-data-allow-mysql-from-app 3306/3306",
                "shop-data-allow-redis-from-app 6379/6379",
                "shop-data-allow-ssh-from-bastion 22/22",
                "shop-web-allow-ssh-from-bastion 22/22",
            ]);
        });
        it("exits 2 on a mistake in the config, naming every bad key and value, and creates nothing", () => {
            assert.strictEqual(typo.code, 2, typo.stderr);
            // DESIGN §3: exit 2 still reports, as JSON's error document; nothing is created.
            assert.deepStrictEqual(Object.keys(JSON.parse(typo.stdout)), ["error"]);
            assert.match(typo.stderr, /stack config declarative-tiers:tiers: 2 invalid arguments/);
            assert.match(typo.stderr, /tiers\.data\.serves\.mysq is not a preset name; .* \(got "mysq"\)/);
            assert.match(
                typo.stderr,
                /tiers\.data\.serves\.redis\[0\] must be one of web, app \(got "data"\)/,
            );
        });
    });
});
