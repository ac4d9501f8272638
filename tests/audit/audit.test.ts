import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { accountOfGroups, writeAccount } from "../../bench/account";
import { riskyPresetPorts } from "../../core/presets";
import { alicloudSg, type GateRun, ROOT } from "../examples/gate";
import {
    ACCESS_KEY_CIPHERTEXT,
    PLAINTEXT_SECRET,
    removeTemps,
    SECRET_KEY_PLAINTEXT,
    shopExport,
    SSH,
    writeTemp,
} from "./exports";

/**
 * `alicloud-sg audit` end to end, as CI runs it: the built command, the bundled pack over the analyzer protocol,
 * each report format, exit status 0/1/2 as for `preview`.
 */

const FIXTURES = path.join(ROOT, "tests", "fixtures", "aliyun");

interface Finding {
    readonly level: string;
    readonly policy: string;
    readonly resource: string | null;
    /** The message without the policy description @pulumi/policy puts first. */
    readonly message: string;
}

function findings(run: GateRun): Finding[] {
    assert.ok(run.report, `no JSON report (exit ${run.code}): ${run.stderr}`);
    return (
        run.report.violations as unknown as {
            enforcementLevel: string;
            policyName: string;
            resourceName: string | null;
            message: string;
        }[]
    ).map((v) => ({
        level: v.enforcementLevel,
        policy: v.policyName,
        resource: v.resourceName,
        message: v.message.split("\n").slice(1).join("\n"),
    }));
}

/** The pack's default risky ports but one, as a finding lists them. */
/** `audit --aliyun DIR` as JSON with one of the test packs (tests/fixtures/packs) and a config file. */
function auditWithPack(account: string, pack: string, config: string): Promise<GateRun> {
    return alicloudSg([
        "audit",
        "--aliyun",
        account,
        "--policy-pack",
        path.join(ROOT, "tests", "fixtures", "packs", pack),
        "--policy-pack-config",
        config,
        "--format",
        "json",
    ]);
}

const riskyExcept = (port?: number): string =>
    riskyPresetPorts()
        .filter((risky) => risky !== port)
        .join(", ");

const f = (level: string, policy: string, resource: string, message: string): Finding => ({
    level,
    policy,
    resource,
    message,
});

describe("alicloud-sg audit", function () {
    this.timeout(600_000);
    const runs: Record<string, Promise<GateRun>> = {};
    const run = (key: string, args: string[]): Promise<GateRun> => (runs[key] ??= alicloudSg(args));
    let shop: string;
    before(() => {
        shop = writeTemp("shop-prod.json", shopExport());
        void run("vpc", ["audit", "--aliyun", path.join(FIXTURES, "vpc-account"), "--format", "json"]);
        void run("classic", [
            "audit",
            "--aliyun",
            path.join(FIXTURES, "classic-account"),
            "--format",
            "json",
        ]);
        void run("partial", [
            "audit",
            "--aliyun",
            path.join(FIXTURES, "partial-account"),
            "--format",
            "json",
        ]);
        void run("shop-json", ["audit", "--stack-export", shop, "--format", "json"]);
    });
    after(removeTemps);

    describe("--aliyun", () => {
        it("judges a VPC account's groups, rules and members with the bundled pack, naming every group by name and id", async () => {
            const result = await run("vpc", []);
            assert.strictEqual(result.code, 1, result.stderr);
            const db = "db (sg-bp1db000000000000003)";
            const web = "web (sg-bp1web00000000000001)";
            const app = "app (sg-bp1app00000000000002)";
            assert.deepStrictEqual(findings(result), [
                f(
                    "mandatory",
                    "disallow-broad-intranet-cidr",
                    `sgr-bp1dbmysqlopen00002 of ${db}`,
                    `Rule sgr-bp1dbmysqlopen00002 of ${db} allows tcp 3306 from 0.0.0.0/0 at priority 50: it opens tcp 3306 to every address, the Internet included ("0.0.0.0/0"). It cannot be declared a public service (port 3306 must never face the open Internet): authorize a source security group or a block of /16 (IPv4) or /48 (IPv6) or longer instead.`,
                ),
                f(
                    "mandatory",
                    "disallow-broad-intranet-cidr",
                    `sgr-bp1dbredis000000004 of ${db}`,
                    `Rule sgr-bp1dbredis000000004 of ${db} allows tcp 6379 from 10.0.0.0/8 at priority 1: it admits the broad block "10.0.0.0/8" (/8). Narrow the CIDR to /16 (IPv4) or /48 (IPv6) or longer, authorize a source security group instead, or, if the block is deliberate, list it in this policy's allowedCidrs.`,
                ),
                f(
                    "mandatory",
                    "disallow-broad-intranet-cidr",
                    `sgr-bp1webrdp6000000004 of ${web}`,
                    `Rule sgr-bp1webrdp6000000004 of ${web} allows tcp 3389 from 2001:db8::/32 at priority 5: it admits the broad block "2001:db8::/32" (/32). Narrow the CIDR to /16 (IPv4) or /48 (IPv6) or longer, authorize a source security group instead, or, if the block is deliberate, list it in this policy's allowedCidrs.`,
                ),
                f(
                    "mandatory",
                    "disallow-excess-security-groups",
                    "web-template (lt-bp1web00000000000001)",
                    `launch template web-template (lt-bp1web00000000000001) joins 6 security groups through securityGroupIds (${web}, ${app}, ${db}, sg-bp1legacy0000000001, sg-bp1legacy0000000002, sg-bp1legacy0000000003), more than the 5 allowed per network interface; merge groups, or raise maxGroupsPerInstance after a quota increase.`,
                ),
                // MySQL open to 0.0.0.0/0 at 50 is closed by the drop at 1: only RDP over IPv6 reaches a risky port.
                f(
                    "mandatory",
                    "disallow-public-risky-ports",
                    `sgr-bp1webrdp6000000004 of ${web}`,
                    `Rule sgr-bp1webrdp6000000004 of ${web} allows tcp 3389 from 2001:db8::/32 at priority 5, so the open Internet reaches risky port 3389 on scaling configuration web-scaling (asc-bp1web00000000000001), web-1 (i-bp1web00000000000001), and on launch template web-template (lt-bp1web00000000000001) unless security group sg-bp1legacy0000000001, outside this stack, or security group sg-bp1legacy0000000002, outside this stack, or security group sg-bp1legacy0000000003, outside this stack, drops tcp 3389 at priority 5 or stronger; authorize a bastion security group or a narrow office CIDR instead.`,
                ),
                f(
                    "mandatory",
                    "missing-security-group-tags",
                    db,
                    `Security group ${db} has no tags; add non-empty tags (an owner tag, for instance) so that its owner can be found.`,
                ),
                f(
                    "advisory",
                    "disallow-open-egress",
                    `sgr-bp1webegress000006 of ${web}`,
                    `Rule sgr-bp1webegress000006 of ${web} allows all protocols to 0.0.0.0/0; allow egress only to the destinations and ports the workload needs.`,
                ),
                // The launch template also joins three groups that were not read: what they may open is not known.
                f(
                    "advisory",
                    "disallow-public-risky-ports",
                    "web-template (lt-bp1web00000000000001)",
                    `Can't tell yet whether the open Internet reaches risky ports ${riskyExcept(3389)} on launch template web-template (lt-bp1web00000000000001): it joins security groups sg-bp1legacy0000000001, sg-bp1legacy0000000002 and sg-bp1legacy0000000003, outside this stack, whose rules are not seen here. In one of its groups in this stack, drop those ports from 0.0.0.0/0 and ::/0 at priority 1 to prove them closed.`,
                ),
                f(
                    "advisory",
                    "disallow-shadowed-rule",
                    `sgr-bp1dbmysql000000001 of ${db}`,
                    `Rule sgr-bp1dbmysql000000001 of ${db} allows tcp 3306 from security group ${app} at priority 1 but never takes effect: drop rule sgr-bp1dbdropmysql00003 of ${db} covers everything it matches; remove it, or give it a smaller priority number than 1.`,
                ),
                f(
                    "advisory",
                    "disallow-untrusted-cross-account-source",
                    `sgr-bp1apppartner000002 of ${app}`,
                    `Rule sgr-bp1apppartner000002 of ${app} authorizes sg-2zepartner0000000009 of account 9876543210987654, which is not in trustedAccounts; add the account to trustedAccounts if it is trusted, or remove the rule.`,
                ),
                f(
                    "advisory",
                    "enable-inner-access-drop",
                    app,
                    `Security group ${app} lets its members reach each other on every port (innerAccessPolicy is Accept or unset); set innerAccessPolicy to "Drop" and allow members only the ports they need.`,
                ),
                f(
                    "advisory",
                    "enable-inner-access-drop",
                    db,
                    `Security group ${db} lets its members reach each other on every port (innerAccessPolicy is Accept or unset); set innerAccessPolicy to "Drop" and allow members only the ports they need.`,
                ),
                f(
                    "advisory",
                    "missing-drop-baseline",
                    app,
                    `Security group ${app} has ingress accepts (sgr-bp1appmetrics000003 of ${app}) with no lower-priority drop covering them; add a drop baseline rule (all protocols, 0.0.0.0/0, priority 100) so that each accept opens exactly one hole.`,
                ),
                f(
                    "advisory",
                    "missing-drop-baseline",
                    db,
                    `Security group ${db} has ingress accepts (sgr-bp1dbmysqlopen00002 of ${db}, sgr-bp1dbredis000000004 of ${db}) with no lower-priority drop covering them; add a drop baseline rule (all protocols, 0.0.0.0/0, priority 100) so that each accept opens exactly one hole.`,
                ),
                f(
                    "advisory",
                    "missing-drop-baseline",
                    web,
                    `Security group ${web} has ingress accepts (sgr-bp1webhttps60000002 of ${web}, sgr-bp1webrdp6000000004 of ${web}) with no lower-priority drop covering them; add a drop baseline rule (all protocols, ::/0, priority 100) so that each accept opens exactly one hole.`,
                ),
                f(
                    "advisory",
                    "missing-security-group-description",
                    db,
                    `Security group ${db} has no description; set description to say what the group is for and whom it admits.`,
                ),
                f(
                    "advisory",
                    "prefer-source-group-authorization",
                    `sgr-bp1dbredis000000004 of ${db}`,
                    `Rule sgr-bp1dbredis000000004 of ${db} allows tcp 6379 from 10.0.0.0/8 at priority 1; 10.0.0.0/8 is a private block: authorize the peers' security group (sourceSecurityGroupId) instead of their addresses.`,
                ),
            ]);
            assert.deepStrictEqual(
                {
                    project: result.report?.project,
                    stack: result.report?.stack,
                    summary: result.report?.summary,
                },
                {
                    project: "aliyun",
                    stack: "cn-hangzhou",
                    summary: { resources: 24, mandatory: 6, advisory: 11 },
                },
            );
        });

        it("judges internet-NIC and intranet rules of a classic-network account", async () => {
            const result = await run("classic", []);
            assert.strictEqual(result.code, 1, result.stderr);
            const web = "legacy-web (sg-m5eweb000000000000001)";
            const app = "legacy-app (sg-m5eapp000000000000002)";
            assert.deepStrictEqual(findings(result), [
                // SSH from anywhere on the internet NIC: one problem, judged by both policies as on a VPC group.
                f(
                    "mandatory",
                    "disallow-broad-intranet-cidr",
                    `sgr-m5ewebssh0000000002 of ${web}`,
                    `Rule sgr-m5ewebssh0000000002 of ${web} allows tcp 22 from 0.0.0.0/0 at priority 10: it opens tcp 22 to the whole Internet ("0.0.0.0/0"). It cannot be declared a public service (port 22 must never face the open Internet): authorize a source security group or a block of /16 (IPv4) or /48 (IPv6) or longer instead.`,
                ),
                f(
                    "mandatory",
                    "disallow-classic-intranet-cidr",
                    `sgr-m5ewebmysql00000004 of ${web}`,
                    `Rule sgr-m5ewebmysql00000004 of ${web} allows tcp 3306 from 10.161.0.0/16 at priority 1 on the intranet of classic-network security group ${web}, which every tenant of the classic network shares, so an address there does not identify your instances; authorize a source security group instead, or move the group into a VPC.`,
                ),
                f(
                    "mandatory",
                    "disallow-public-risky-ports",
                    `sgr-m5ewebssh0000000002 of ${web}`,
                    `Rule sgr-m5ewebssh0000000002 of ${web} allows tcp 22 from 0.0.0.0/0 at priority 10, so the open Internet reaches risky port 22 on legacy-web-1 (i-m5eweb000000000000001); authorize a bastion security group or a narrow office CIDR instead.`,
                ),
                // legacy-app's intranet ingress rules were not read: they may open anything.
                f(
                    "advisory",
                    "disallow-public-risky-ports",
                    `intranet ingress rules of ${app}`,
                    `Can't tell yet whether a rule among the intranet ingress rules of ${app}, which were not read (no ecs DescribeSecurityGroupAttribute response for them), lets the open Internet reach risky ports ${riskyExcept()} on legacy-app-1 (i-m5eapp000000000000001). Make sure it does not, or drop those ports from 0.0.0.0/0 and ::/0 at priority 1 to prove them closed.`,
                ),
                f(
                    "advisory",
                    "missing-vpc",
                    app,
                    `Security group ${app} has no vpcId, so it is a classic-network group; set vpcId to create it in a VPC.`,
                ),
                f(
                    "advisory",
                    "missing-vpc",
                    web,
                    `Security group ${web} has no vpcId, so it is a classic-network group; set vpcId to create it in a VPC.`,
                ),
            ]);
        });

        it("judges what was read of an account read in part, and nothing it could not read", async () => {
            const result = await run("partial", []);
            assert.strictEqual(result.code, 1, result.stderr);
            const bastion = "bastion (sg-2zedescribed00000001)";
            // Tags of bastion were not read (no DescribeSecurityGroups entry): no missing-tags finding. The SSH
            // accept is pooled with batch, whose rules were not read: the hole stays a hole (DESIGN §5), naming the
            // unread rules as what could still close it, and what only they could open is "can't tell yet".
            const unread = "ingress rules of batch (sg-2zelisted0000000001)";
            const notRead = "which were not read (no ecs DescribeSecurityGroupAttribute response for them)";
            assert.deepStrictEqual(findings(result), [
                f(
                    "mandatory",
                    "disallow-broad-intranet-cidr",
                    `sgr-2zebastionssh000001 of ${bastion}`,
                    `Rule sgr-2zebastionssh000001 of ${bastion} allows tcp 22 from 0.0.0.0/0 at priority 1: it opens tcp 22 to every address, the Internet included ("0.0.0.0/0"). It cannot be declared a public service (port 22 must never face the open Internet): authorize a source security group or a block of /16 (IPv4) or /48 (IPv6) or longer instead.`,
                ),
                f(
                    "mandatory",
                    "disallow-public-risky-ports",
                    `sgr-2zebastionssh000001 of ${bastion}`,
                    `Rule sgr-2zebastionssh000001 of ${bastion} allows tcp 22 from 0.0.0.0/0 at priority 1, so the open Internet reaches risky port 22 on worker-1 (i-2zeworker00000000001) unless a rule among the ${unread}, ${notRead}, drops tcp 22 at priority 1 or stronger; authorize a bastion security group or a narrow office CIDR instead.`,
                ),
                f(
                    "advisory",
                    "disallow-public-risky-ports",
                    unread,
                    `Can't tell yet whether a rule among the ${unread}, ${notRead}, lets the open Internet reach risky ports ${riskyExcept(22)} on worker-1 (i-2zeworker00000000001). Make sure it does not, or drop those ports from 0.0.0.0/0 and ::/0 at priority 1 to prove them closed.`,
                ),
                f(
                    "advisory",
                    "missing-drop-baseline",
                    bastion,
                    `Security group ${bastion} has ingress accepts (sgr-2zebastionssh000001 of ${bastion}) with no lower-priority drop covering them; add a drop baseline rule (all protocols, 0.0.0.0/0, priority 100) so that each accept opens exactly one hole.`,
                ),
            ]);
        });

        it("says in the text report what the Internet reaches and which groups were read in part", async () => {
            const result = await alicloudSg(["audit", "--aliyun", path.join(FIXTURES, "partial-account")]);
            assert.strictEqual(result.code, 1, result.stderr);
            const lines = result.stdout.split("\n");
            const start = lines.indexOf(
                "Exposure (after priority resolution; the open Internet is any address, or a public block broader than /16 (IPv4) or /48 (IPv6)):",
            );
            assert.ok(start > 0, result.stdout);
            const unread =
                "a rule among the ingress rules of batch (sg-2zelisted0000000001), which were not read (no ecs DescribeSecurityGroupAttribute response for them)";
            // The unread rules could still close the SSH hole, and could open any other risky port.
            assert.deepStrictEqual(lines.slice(start + 1, start + 3), [
                `    bastion (sg-2zedescribed00000001) (worker-1 (i-2zeworker00000000001))  tcp 22/22 from Internet (risky: 22) (unless ${unread}, drops it first)`,
                `    batch (sg-2zelisted0000000001) (worker-1 (i-2zeworker00000000001))     nothing (can't tell yet: risky ${riskyExcept(22)} (${unread}))`,
            ]);
            assert.strictEqual(
                lines[0],
                `Auditing aliyun (stack cn-beijing) from Alibaba Cloud API responses in ${path.join(FIXTURES, "partial-account")}`,
            );
        });

        it("writes the Markdown report too, with the audit's limitations and the ESC environments it could not open", async () => {
            const config = writeTemp("esc.json", { environments: ["platform/policy-defaults"] });
            const result = await alicloudSg([
                "audit",
                "--aliyun",
                path.join(FIXTURES, "partial-account"),
                "--format",
                "markdown",
                "--policy-pack-config",
                config,
            ]);
            assert.strictEqual(result.code, 1, result.stderr);
            const lines = result.stdout.split("\n");
            assert.match(
                lines[0],
                /^\*\*alicloud-sg\*\* `aliyun` \(stack `cn-beijing`\): ❌ \d+ mandatory, /,
            );
            const escNote =
                "ESC environments not opened (they need Pulumi Cloud): platform/policy-defaults " +
                `(--policy-pack-config ${config}). This run is judged without their policyConfig; to apply it ` +
                "offline, copy its policy entries into the config file, whose entries take precedence over ESC's as " +
                "in the CLI.";
            const notes = lines.slice(lines.indexOf("#### Offline notes") + 2).filter((line) => line !== "");
            // The first note is what an audit of API responses cannot know (not the preview's mock limitations).
            assert.doesNotMatch(notes[0], /mock runtime/);
            assert.strictEqual(notes.length, 2, notes.join("\n"));
            assert.ok(notes[1].includes("platform/policy-defaults"), notes[1]);
            assert.ok(result.stderr.split("\n").includes(`note: ${escNote}`), result.stderr);
        });

        it("reports a remediation it would make without making it, and still the violation", async () => {
            const config = writeTemp("remediate.json", {
                "missing-security-group-tags": {
                    enforcementLevel: "remediate",
                    defaultTags: { owner: "unowned" },
                },
            });
            const result = await alicloudSg([
                "audit",
                "--aliyun",
                path.join(FIXTURES, "vpc-account"),
                "--policy-pack-config",
                config,
            ]);
            assert.strictEqual(result.code, 1, result.stderr);
            assert.ok(
                result.stdout.includes(
                    "        - [would remediate]  missing-security-group-tags  (alicloud:ecs/securityGroup:SecurityGroup: db (sg-bp1db000000000000003))\n",
                ),
                result.stdout,
            );
            assert.ok(result.stdout.includes("Not applied: an audit reports what the policy would change."));
            assert.ok(
                result.stdout.includes(
                    "        - [mandatory]  missing-security-group-tags  (alicloud:ecs/securityGroup:SecurityGroup: db (sg-bp1db000000000000003))\n",
                ),
            );
            assert.ok(result.stdout.includes(" · 1 to remediate\n"), result.stdout);
        });
        it("judges the stack in a second process of each pack, given the same config, while the first analyzes each resource", async () => {
            const config = writeTemp("label.json", {
                "fixture-analyzed-by": { label: "from-config" },
                "fixture-stack-analyzed-by": { label: "from-config" },
            });
            const result = await auditWithPack(path.join(FIXTURES, "vpc-account"), "processes", config);
            assert.strictEqual(result.code, 0, result.stderr);
            const messages = findings(result).map((finding) => finding.message);
            const analyzed = messages.map((m) =>
                /^Analyze of (.+) answered by process (\d+) with label (\S+)$/.exec(m),
            );
            const stacked = messages.map((m) =>
                /^AnalyzeStack of (\d+) groups answered by process (\d+) with label (\S+)$/.exec(m),
            );
            const byAnalyze = analyzed.filter((m) => m !== null);
            const byStack = stacked.filter((m) => m !== null);
            assert.strictEqual(byAnalyze.length + byStack.length, messages.length, messages.join("\n"));
            assert.strictEqual(byStack.length, 1, messages.join("\n"));
            // Every group analyzed, by one process; the stack, with as many groups, by another; one config.
            assert.strictEqual(byAnalyze.length, Number(byStack[0][1]));
            assert.deepStrictEqual(new Set(byAnalyze.map((m) => m[2])).size, 1);
            assert.notStrictEqual(byAnalyze[0][2], byStack[0][2]);
            assert.deepStrictEqual(
                [...new Set([...byAnalyze, ...byStack].map((m) => m[3]))],
                ["from-config"],
            );
            // Neither outlives the command.
            for (const pid of [byAnalyze[0][2], byStack[0][2]]) {
                assert.ok(!fs.existsSync(`/proc/${pid}`), `process ${pid} is still running`);
            }
        });

        it("ends at once when the stack's process fails while the resources are analyzed, with that failure", async () => {
            // 500 rules, each holding the pack's thread 5 ms: 2.5 s of Analyze, while the stack policy throws at once.
            const log = writeTemp("analyzed.log", "");
            const config = writeTemp("slow.json", { "fixture-slow-analyze": { log, delayMs: 5 } });
            const account = path.join(path.dirname(config), "account");
            writeAccount(account, accountOfGroups(50));
            const result = await auditWithPack(account, "stack-fails", config);
            assert.strictEqual(result.code, 2, result.stderr);
            assert.strictEqual(
                result.stderr,
                "alicloud-sg: policy pack fixture-stack-fails (tests/fixtures/packs/stack-fails) failed in AnalyzeStack of 750 resources: policy fixture-failing-stack threw Error: the fixture's stack policy fails at once\n",
            );
            // No more were sent once it failed: the rules analyzed are about those in flight then, not all 500.
            const analyzed = fs.readFileSync(log, "utf8").split("\n").filter(Boolean).length;
            assert.ok(analyzed < 300, `${analyzed} of 500 rules analyzed`);
        });
    });

    describe("--stack-export", () => {
        it("judges inputs, the deployed outputs as a stack, reads too, and skips what is pending deletion", async () => {
            const result = await run("shop-json", []);
            assert.strictEqual(result.code, 1, result.stderr);
            assert.deepStrictEqual(
                (
                    result.report?.violations as unknown as {
                        enforcementLevel: string;
                        policyName: string;
                        resourceName: string;
                        source: string | null;
                    }[]
                ).map((v) => [v.enforcementLevel, v.policyName, v.resourceName, v.source]),
                [
                    ["mandatory", "disallow-broad-intranet-cidr", "web-ssh", "index.ts:31"],
                    ["mandatory", "disallow-public-risky-ports", "web-ssh", "index.ts:31"],
                    // The group read with SecurityGroup.get is analyzed too, as pulumi policy analyze does.
                    ["advisory", "disallow-unused-security-group", "shared", null],
                    ["advisory", "enable-inner-access-drop", "web", "index.ts:14"],
                    ["advisory", "missing-drop-baseline", "web", "index.ts:14"],
                ],
            );
            assert.deepStrictEqual(
                result.report?.resources.map((r) => r.name),
                ["shop-prod", "default_3_108_0", "web", "web-https", "web-ssh", "shared", "web-1"],
            );
            assert.deepStrictEqual(result.report?.resources.find((r) => r.urn === SSH)?.inputs, {
                cidrIp: "0.0.0.0/0",
                ipProtocol: "tcp",
                nicType: "intranet",
                policy: "accept",
                portRange: "22/22",
                priority: 1,
                securityGroupId: "sg-bp1shopweb000000001",
                type: "ingress",
            });
        });

        it("never prints a secret, in any format, on stdout or stderr", async () => {
            const text = await alicloudSg(["audit", "--stack-export", shop]);
            const sarif = await alicloudSg(["audit", "--stack-export", shop, "--format", "sarif"]);
            const json = await run("shop-json", []);
            for (const result of [text, sarif, json]) {
                assert.strictEqual(result.code, 1, result.stderr);
                for (const secret of [PLAINTEXT_SECRET, SECRET_KEY_PLAINTEXT, ACCESS_KEY_CIPHERTEXT]) {
                    assert.ok(
                        !result.stdout.includes(secret) && !result.stderr.includes(secret),
                        `${secret} printed`,
                    );
                }
            }
            assert.deepStrictEqual(json.report?.resources.find((r) => r.name === "default_3_108_0")?.inputs, {
                accessKey: "[secret]",
                secretKey: "[secret]",
                region: "cn-hangzhou",
                version: "3.108.0",
            });
            const run0 = JSON.parse(sarif.stdout).runs[0];
            assert.deepStrictEqual(
                run0.invocations[0].toolExecutionNotifications[0].message.text.split(":")[0],
                "Audit of a stack export as `pulumi policy analyze --file` runs it",
            );
            assert.deepStrictEqual(run0.results[0].locations[0].physicalLocation, {
                artifactLocation: { uri: "index.ts", uriBaseId: "%SRCROOT%" },
                region: { startLine: 31, startColumn: 1 },
            });
            assert.ok(
                text.stdout.startsWith(`Auditing shop (stack prod) from stack export ${shop}\n`),
                text.stdout,
            );
        });

        it("judges each resource on its inputs and the stack on its outputs, where a refresh saw drift", async () => {
            // The console widened the HTTPS rule to every protocol; `pulumi refresh` recorded it in the outputs only.
            const drifted = shopExport();
            const resources = (
                drifted.deployment as { resources: { urn: string; outputs: Record<string, unknown> }[] }
            ).resources;
            const https = resources.find((r) => r.urn.endsWith("::web-https")) as {
                outputs: Record<string, unknown>;
            };
            https.outputs = { ...https.outputs, ipProtocol: "all", portRange: "-1/-1" };
            const result = await alicloudSg([
                "audit",
                "--stack-export",
                writeTemp("drift.json", drifted),
                "--format",
                "json",
            ]);
            assert.strictEqual(result.code, 1, result.stderr);
            // Stack policies see the drift; disallow-all-ports-accept, a resource policy, sees the inputs (tcp 443).
            assert.deepStrictEqual(
                findings(result).map((finding) => [finding.level, finding.policy, finding.resource]),
                [
                    ["mandatory", "disallow-broad-intranet-cidr", "web-https"],
                    ["mandatory", "disallow-broad-intranet-cidr", "web-ssh"],
                    // Every risky port is now open through web-https, which decides each of them first.
                    ["mandatory", "disallow-public-risky-ports", "web-https"],
                    ["advisory", "disallow-unused-security-group", "shared"],
                    ["advisory", "enable-inner-access-drop", "web"],
                    ["advisory", "missing-drop-baseline", "web"],
                ],
            );
        });

        it("reads version 4", async () => {
            const result = await alicloudSg([
                "audit",
                "--stack-export",
                writeTemp("v4.json", shopExport(4)),
                "--format",
                "json",
            ]);
            assert.strictEqual(result.code, 1, result.stderr);
            assert.strictEqual(result.report?.summary.mandatory, 2);
        });
    });

    describe("bad input: exit 2 and one line naming the file", () => {
        const refused = async (args: string[]): Promise<string> => {
            const result = await alicloudSg(args);
            assert.strictEqual(result.code, 2, result.stdout + result.stderr);
            assert.strictEqual(result.stdout, "");
            const lines = result.stderr.trimEnd().split("\n");
            assert.strictEqual(lines.length, 1, result.stderr);
            return lines[0];
        };

        it("a file that is neither an export nor a known API response", async () => {
            const file = writeTemp("terraform.tfstate", {
                version: 4,
                terraform_version: "1.9.0",
                resources: [],
            });
            assert.strictEqual(
                await refused(["audit", "--stack-export", file]),
                `alicloud-sg: --stack-export ${file}: not a stack export (a JSON object with version and deployment, as pulumi stack export writes)`,
            );
            const vpcs = writeTemp("DescribeVpcs.json", {
                RequestId: "4E5F",
                Vpcs: { Vpc: [] },
                TotalCount: 0,
            });
            assert.strictEqual(
                await refused(["audit", "--aliyun", path.dirname(vpcs)]),
                `alicloud-sg: --aliyun ${vpcs}: not a response alicloud-sg reads (ecs DescribeSecurityGroups, ecs DescribeSecurityGroupAttribute, ecs DescribeInstances, ...): unknown shape`,
            );
        });

        it("a truncated file", async () => {
            const text = JSON.stringify(shopExport(), null, 2);
            const file = writeTemp("cut.json", text.slice(0, Math.floor(text.length / 2)));
            assert.strictEqual(
                await refused(["audit", "--stack-export", file]),
                `alicloud-sg: --stack-export ${file}: not valid JSON: it ends before the document does (is the file truncated?)`,
            );
            assert.strictEqual(
                await refused(["graph", "--stack-export", file]),
                `alicloud-sg: --stack-export ${file}: not valid JSON: it ends before the document does (is the file truncated?)`,
            );
        });

        it("an export of another version", async () => {
            const file = writeTemp("old.json", { ...shopExport(), version: 1 });
            assert.strictEqual(
                await refused(["audit", "--stack-export", file]),
                `alicloud-sg: --stack-export ${file}: a stack export of version 1; alicloud-sg reads versions 3 and 4 (export it again with a current Pulumi CLI)`,
            );
        });

        it("and still the report asked for, as preview writes it", async () => {
            const file = writeTemp("old.json", { ...shopExport(), version: 2 });
            const message = `--stack-export ${file}: a stack export of version 2; alicloud-sg reads versions 3 and 4 (export it again with a current Pulumi CLI)`;
            const json = await alicloudSg(["audit", "--stack-export", file, "--format", "json"]);
            assert.strictEqual(json.code, 2);
            assert.deepStrictEqual(JSON.parse(json.stdout), { error: { message, source: null } });
            const sarif = await alicloudSg(["audit", "--stack-export", file, "--format", "sarif"]);
            assert.strictEqual(sarif.code, 2);
            const run0 = JSON.parse(sarif.stdout).runs[0];
            assert.deepStrictEqual(
                [
                    run0.invocations[0].executionSuccessful,
                    run0.results[0].ruleId,
                    run0.results[0].message.text,
                ],
                [false, "alicloud-sg/input-error", message],
            );
        });

        it("no source, both sources, or a program with a source", async () => {
            const expected =
                "alicloud-sg: give what is deployed: --stack-export FILE (pulumi stack export) or --aliyun DIR (aliyun CLI responses), one of them";
            assert.strictEqual(await refused(["audit"]), expected);
            assert.strictEqual(
                await refused(["audit", "--stack-export", "a.json", "--aliyun", "dir"]),
                expected,
            );
            assert.strictEqual(
                await refused([
                    "graph",
                    "examples/web-redis",
                    "--aliyun",
                    path.join(FIXTURES, "vpc-account"),
                ]),
                "alicloud-sg: graph draws a program (PROJECT_DIR, --stack, --config) or what is deployed (--stack-export or --aliyun), not both",
            );
        });
    });

    it("graph draws an account, as the graph of its resources", async () => {
        const result = await alicloudSg([
            "graph",
            "--aliyun",
            path.join(FIXTURES, "partial-account"),
            "--format",
            "json",
        ]);
        assert.strictEqual(result.code, 0, result.stderr);
        assert.deepStrictEqual(JSON.parse(result.stdout).edges, [
            { from: "internet", to: "bastion (sg-2zedescribed00000001)", protocol: "tcp", ports: ["22/22"] },
        ]);
    });
});
