import { writeTieredProject } from "./orgStack";

/**
 * The rule-heavy profile: what a network team's stack looks like, mostly security groups and their rules and few
 * instances. One shared VPC and vSwitch, then per tier two groups (front, data), ten rules (CIDR and
 * source-group peers, accepts and drops at mixed priorities, a drop baseline per group, egress to the tier's
 * subnet) and two instances. At 2,800 resources: 400 groups, 2,000 rules, 400 instances. Every 25th tier opens
 * SSH to the Internet, so that the pack has findings at every size.
 */
const RULE_RESOURCES_PER_TIER = 14;
const SHARED = 2;

export function ruleTiersFor(resources: number): number {
    return Math.max(1, Math.round((resources - SHARED) / RULE_RESOURCES_PER_TIER));
}

const PROGRAM_BODY = `
const vpc = new alicloud.vpc.Network("net-vpc", { vpcName: "net", cidrBlock: "10.0.0.0/8" });
const vswitch = new alicloud.vpc.Switch("net-vsw", { vpcId: vpc.id, cidrBlock: "10.255.0.0/16", zoneId: "cn-hangzhou-h" });

function tier(t: TierSpec): void {
    const tags = { team: t.name, env: "bench" };
    const group = (role: string) =>
        new alicloud.ecs.SecurityGroup(\`\${t.name}-\${role}\`, {
            securityGroupName: \`\${t.name}-\${role}\`,
            description: \`\${role} of \${t.name}\`,
            vpcId: vpc.id,
            innerAccessPolicy: "Drop",
            tags,
        });
    const front = group("front");
    const data = group("data");
    const rule = (name: string, args: alicloud.ecs.SecurityGroupRuleArgs) =>
        new alicloud.ecs.SecurityGroupRule(\`\${t.name}-\${name}\`, { nicType: "intranet", ...args });
    const ingress = { type: "ingress", nicType: "intranet" } as const;

    rule("front-https", { ...ingress, ipProtocol: "tcp", portRange: "443/443", policy: "accept", priority: t.priority,
        securityGroupId: front.id, cidrIp: "0.0.0.0/0", description: "HTTPS from the Internet" });
    rule("front-http-redirect", { ...ingress, ipProtocol: "tcp", portRange: "80/80", policy: "accept", priority: t.priority,
        securityGroupId: front.id, cidrIp: "0.0.0.0/0", description: "HTTP, redirected to HTTPS" });
    rule("front-ssh", { ...ingress, ipProtocol: "tcp", portRange: "22/22", policy: "accept", priority: 1,
        securityGroupId: front.id, cidrIp: t.opensSsh ? "0.0.0.0/0" : "203.0.113.0/28", description: "SSH from the bastion range" });
    rule("front-icmp", { ...ingress, ipProtocol: "icmp", portRange: "-1/-1", policy: "accept", priority: 20,
        securityGroupId: front.id, cidrIp: "10.0.0.0/8", description: "Ping from inside" });
    rule("front-baseline", { ...ingress, ipProtocol: "all", portRange: "-1/-1", policy: "drop", priority: 100,
        securityGroupId: front.id, cidrIp: "0.0.0.0/0", description: "Drop everything not allowed above" });
    rule("data-from-front", { ...ingress, ipProtocol: "tcp", portRange: "3306/3306", policy: "accept", priority: t.priority,
        securityGroupId: data.id, sourceSecurityGroupId: front.id, description: "MySQL from the front tier" });
    rule("data-replication", { ...ingress, ipProtocol: "tcp", portRange: "3306/3307", policy: "accept", priority: 30,
        securityGroupId: data.id, cidrIp: t.cidr, description: "Replication inside the tier" });
    rule("data-drop-admin", { ...ingress, ipProtocol: "tcp", portRange: "9000/9100", policy: "drop", priority: 1,
        securityGroupId: data.id, cidrIp: "10.0.0.0/8", description: "Admin ports stay closed" });
    rule("data-baseline", { ...ingress, ipProtocol: "all", portRange: "-1/-1", policy: "drop", priority: 100,
        securityGroupId: data.id, cidrIp: "0.0.0.0/0", description: "Drop everything not allowed above" });
    rule("data-egress", { type: "egress", nicType: "intranet", ipProtocol: "tcp", portRange: "1/65535", policy: "accept",
        priority: 50, securityGroupId: data.id, cidrIp: t.cidr, description: "Answers inside the tier only" });

    for (const [role, sg] of [["front", front], ["data", data]] as const) {
        new alicloud.ecs.Instance(\`\${t.name}-\${role}-0\`, {
            instanceName: \`\${t.name}-\${role}-0\`,
            instanceType: "ecs.g7.large",
            imageId: "aliyun_3_x64_20G_alibase_20240819.vhd",
            vswitchId: vswitch.id,
            securityGroups: [sg.id],
            tags,
        });
    }
}

for (const t of tiers) {
    tier(t);
}
`;

/** Writes the rule-heavy project for `tiers` tiers into `dir`; returns its resource count. */
export function writeRuleStack(dir: string, tiers: number): number {
    const resources = SHARED + RULE_RESOURCES_PER_TIER * tiers;
    writeTieredProject(dir, {
        name: "rules-bench",
        description: `Synthetic rule-heavy stack with ${tiers} tiers.`,
        generatedBy: `bench/ruleStack.ts: ${tiers} tiers, ${resources} resources`,
        specFields: ["name: string", "cidr: string", "priority: number", "opensSsh: boolean"],
        specs: Array.from({ length: tiers }, (_, index) => ({
            name: `net${String(index).padStart(4, "0")}`,
            cidr: `10.${Math.floor(index / 250)}.${index % 250}.0/24`,
            priority: 2 + ((index * 7) % 90),
            opensSsh: index % 25 === 0,
        })),
        body: PROGRAM_BODY,
    });
    return resources;
}
