import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { riskyPresetPorts } from "../../core/presets";
import { ROOT, runCli, type CliResult } from "./run";

/**
 * Issue 12's first attacks, end to end through the real `alicloud-sg preview`: a raw `@pulumi/alicloud` program
 * as a team writes it, each attack in its own group. Before, every one of them passed the gate quietly.
 */

const PROGRAM = `import * as alicloud from "@pulumi/alicloud";

const vpc = new alicloud.vpc.Network("vpc", { cidrBlock: "10.0.0.0/8" });
// The instances' vSwitch puts them in the groups' VPC (without one, an instance is in the classic network).
const vswitch = new alicloud.vpc.Switch("app", { vpcId: vpc.id, cidrBlock: "10.1.0.0/24", zoneId: "cn-hangzhou-i" });
// The office address comes from an EIP made here: unknown in preview.
const office = new alicloud.ecs.EipAddress("office", { addressName: "office" });
const officeCidr = office.ipAddress.apply((ip) => \`\${ip}/32\`);

const group = (name: string) =>
    new alicloud.ecs.SecurityGroup(name, {
        vpcId: vpc.id,
        securityGroupName: name,
        description: \`Security group for \${name}\`,
        innerAccessPolicy: "Drop",
        tags: { owner: "team-shop" },
    });
const ingress = (name: string, securityGroupId: alicloud.ecs.SecurityGroupRuleArgs["securityGroupId"], args: Partial<alicloud.ecs.SecurityGroupRuleArgs>) =>
    new alicloud.ecs.SecurityGroupRule(name, {
        type: "ingress",
        ipProtocol: "tcp",
        policy: "accept",
        priority: 1,
        nicType: "intranet",
        securityGroupId,
        ...args,
    });
const baseline = (name: string, securityGroupId: alicloud.ecs.SecurityGroupRuleArgs["securityGroupId"]) =>
    ingress(\`\${name}-drop-baseline\`, securityGroupId, { ipProtocol: "all", portRange: "-1/-1", cidrIp: "0.0.0.0/0", policy: "drop", priority: 100 });
const instance = (name: string, securityGroups: alicloud.ecs.InstanceArgs["securityGroups"]) =>
    new alicloud.ecs.Instance(name, { instanceType: "ecs.g7.large", imageId: "aliyun_3_x64_20G_alibase", vswitchId: vswitch.id, securityGroups });

// 1. SSH from anywhere, beside an unrelated accept whose peer is unknown.
const web = group("web");
ingress("web-ssh-from-anywhere", web.id, { portRange: "22/22", cidrIp: "0.0.0.0/0" });
ingress("web-admin-from-office", web.id, { portRange: "8443/8443", cidrIp: officeCidr });
baseline("web", web.id);
instance("vm-web", [web.id]);

// 2. Four public /17 blocks: together broader than /16, each narrow enough for disallow-broad-intranet-cidr.
const admin = group("admin");
["47.0.0.0/17", "47.0.128.0/17", "47.1.0.0/17", "47.1.128.0/17"].forEach((cidrIp, i) =>
    ingress(\`admin-ssh-\${i}\`, admin.id, { portRange: "22/22", cidrIp }),
);
ingress("admin-metrics-from-office", admin.id, { portRange: "9100/9100", cidrIp: officeCidr });
baseline("admin", admin.id);
instance("vm-admin", [admin.id]);

// 3. An instance that also joins a group kept by another team.
const win = group("win");
ingress("win-rdp-from-anywhere", win.id, { portRange: "3389/3389", cidrIp: "0.0.0.0/0" });
baseline("win", win.id);
instance("vm-win", [win.id, "sg-ops-shared"]);

// 4. A rule written to a classic group outside the stack: internet NIC, SSH from the world.
ingress("legacy-ssh", "sg-legacy-classic", { portRange: "22/22", cidrIp: "0.0.0.0/0", nicType: "internet" });

// 5. A drop the API refuses (internet NIC on a VPC group) in front of an accept.
const db = group("db");
ingress("db-mysql-from-anywhere", db.id, { portRange: "3306/3306", cidrIp: "0.0.0.0/0", priority: 10 });
ingress("db-drop-mysql-internet", db.id, { portRange: "3306/3306", cidrIp: "0.0.0.0/0", policy: "drop", nicType: "internet" });
baseline("db", db.id);
instance("vm-db", [db.id]);
`;

interface Violation {
    readonly policyName: string;
    readonly enforcementLevel: string;
    readonly resourceName: string | null;
    readonly message: string;
}

describe("alicloud-sg preview: exposure the gate used to miss (issue 12, §1)", function () {
    this.timeout(600_000);
    let dir: string;
    let json: CliResult;
    let text: CliResult;

    before(async () => {
        fs.mkdirSync(path.join(ROOT, ".tmp"), { recursive: true });
        // Under the package root, so that the program resolves @pulumi/alicloud like a user's project.
        dir = fs.mkdtempSync(path.join(ROOT, ".tmp", "sound-"));
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: attacks\nruntime: nodejs\n");
        fs.writeFileSync(path.join(dir, "index.ts"), PROGRAM);
        // As in the issue: the broad-CIDR policy turned advisory, so that only exposure stands in the way.
        fs.writeFileSync(
            path.join(dir, "policy-config.json"),
            JSON.stringify({ "disallow-broad-intranet-cidr": "advisory" }),
        );
        const config = ["--policy-pack-config", path.join(dir, "policy-config.json")];
        json = await runCli(["preview", dir, ...config, "--format", "json"]);
        text = await runCli(["preview", dir, ...config]);
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("exits 1 with a mandatory exposure finding for every attack, and the refused drop named", () => {
        assert.equal(json.code, 1, json.stderr);
        const doc = JSON.parse(json.stdout) as { violations: Violation[] };
        const mandatory = doc.violations.filter((v) => v.enforcementLevel === "mandatory");
        assert.deepEqual(mandatory.map((v) => `${v.policyName}@${v.resourceName}`).sort(), [
            "disallow-invalid-rule@db-drop-mysql-internet",
            "disallow-public-risky-ports@admin-ssh-0",
            "disallow-public-risky-ports@admin-ssh-1",
            "disallow-public-risky-ports@admin-ssh-2",
            "disallow-public-risky-ports@admin-ssh-3",
            "disallow-public-risky-ports@db-mysql-from-anywhere",
            "disallow-public-risky-ports@legacy-ssh",
            "disallow-public-risky-ports@web-ssh-from-anywhere",
            "disallow-public-risky-ports@win-rdp-from-anywhere",
        ]);
        const message = (name: string) =>
            (mandatory.find((v) => v.resourceName === name) as Violation).message.split("\n")[1];
        assert.equal(
            message("web-ssh-from-anywhere"),
            "Rule web-ssh-from-anywhere allows tcp 22 from 0.0.0.0/0 at priority 1, so the open Internet reaches risky port 22 on vm-web; authorize a bastion security group or a narrow office CIDR instead.",
        );
        assert.equal(
            message("win-rdp-from-anywhere"),
            "Rule win-rdp-from-anywhere allows tcp 3389 from 0.0.0.0/0 at priority 1, so the open Internet reaches risky port 3389 on vm-win unless security group sg-ops-shared, outside this stack, drops tcp 3389 at priority 1 or stronger; authorize a bastion security group or a narrow office CIDR instead.",
        );
        assert.equal(
            message("legacy-ssh"),
            "Rule legacy-ssh allows tcp 22 from 0.0.0.0/0 at priority 1, so the open Internet reaches risky port 22 on security group sg-legacy-classic unless security group sg-legacy-classic, outside this stack, drops tcp 22 at priority 1 or stronger; authorize a bastion security group or a narrow office CIDR instead.",
        );
        assert.equal(
            message("db-mysql-from-anywhere"),
            "Rule db-mysql-from-anywhere allows tcp 3306 from 0.0.0.0/0 at priority 10, so the open Internet reaches risky port 3306 on vm-db; drop rule db-drop-mysql-internet closes nothing, as the API would reject it; authorize a bastion security group or a narrow office CIDR instead.",
        );
    });

    it("says can't tell yet, at advisory level, about the group kept elsewhere", () => {
        const doc = JSON.parse(json.stdout) as { violations: Violation[] };
        const cantTell = doc.violations.filter(
            (v) => v.policyName === "disallow-public-risky-ports" && v.enforcementLevel === "advisory",
        );
        assert.deepEqual(
            cantTell.map((v) => [v.resourceName, v.message.split("\n")[1]]),
            [
                [
                    "vm-win",
                    `Can't tell yet whether the open Internet reaches risky ports ${riskyPresetPorts()
                        .filter((port) => port !== 3389)
                        .join(
                            ", ",
                        )} on vm-win: it joins security group sg-ops-shared, outside this stack, whose rules are not seen here. In one of its groups in this stack, drop those ports from 0.0.0.0/0 and ::/0 at priority 1 to prove them closed.`,
                ],
            ],
        );
    });

    it("shows the same exposure in the text report's Exposure section", () => {
        assert.equal(text.code, 1, text.stderr);
        const section = text.stdout.slice(
            text.stdout.indexOf("Exposure ("),
            text.stdout.indexOf("\nPolicies:"),
        );
        const line = (name: string) => {
            const found = section.split("\n").find((l) => l.trimStart().startsWith(`${name} `));
            assert.ok(found, `no exposure line for ${name}:\n${section}`);
            return found.trim().replace(/ {2,}/g, "  ");
        };
        const incomplete = " (incomplete: some rules or groups are unknown in preview or outside the stack)";
        assert.equal(line("web"), `web (vm-web)  tcp 22/22 from Internet (risky: 22)${incomplete}`);
        assert.equal(
            line("admin"),
            `admin (vm-admin)  tcp 22/22 from 47.0.0.0/17 (risky: 22); tcp 22/22 from 47.0.128.0/17 (risky: 22); tcp 22/22 from 47.1.0.0/17 (risky: 22); tcp 22/22 from 47.1.128.0/17 (risky: 22)${incomplete}`,
        );
        assert.equal(
            line("win"),
            "win (vm-win)  tcp 3389/3389 from Internet (risky: 3389) (unless security group sg-ops-shared, outside this stack, drops it first)",
        );
        assert.equal(
            line("sg-ops-shared"),
            `sg-ops-shared (outside this stack) (vm-win)  nothing (can't tell yet: risky ${riskyPresetPorts()
                .filter((port) => port !== 3389)
                .join(", ")} (its rules are not seen here))`,
        );
        assert.equal(
            line("sg-legacy-classic"),
            "sg-legacy-classic (outside this stack)  tcp 22/22 from Internet (risky: 22) (unless security group sg-legacy-classic, outside this stack, drops it first)",
        );
        assert.equal(
            line("db"),
            "db (vm-db)  tcp 3306/3306 from Internet (risky: 3306) (drop rule db-drop-mysql-internet closes nothing: the API would reject it)",
        );
    });
});
