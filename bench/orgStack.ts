import * as fs from "fs";
import * as path from "path";

/**
 * A synthetic organisation stack, written as a real Pulumi TypeScript program: one shared VPC, then per tier
 * a vSwitch, three security groups (web, app, db), ten rules (CIDR and source-group peers, accepts and drops
 * at mixed priorities, a drop baseline per group) and fourteen instances. Every 25th tier opens SSH to the
 * Internet, so that the pack has real findings to report at every size.
 */
const RESOURCES_PER_TIER = 28;
/** The shared VPC. */
const SHARED_RESOURCES = 1;

function resourceCount(tiers: number): number {
    return SHARED_RESOURCES + RESOURCES_PER_TIER * tiers;
}

/** Tier count whose stack is closest to `resources`. */
export function tiersFor(resources: number): number {
    return Math.max(1, Math.round((resources - SHARED_RESOURCES) / RESOURCES_PER_TIER));
}

interface TierSpec {
    readonly name: string;
    readonly cidr: string;
    readonly webPriority: number;
    readonly appPriority: number;
    readonly dbPriority: number;
    readonly opensSsh: boolean;
}

function tierSpec(index: number): TierSpec {
    return {
        name: `tier${String(index).padStart(4, "0")}`,
        cidr: `10.${Math.floor(index / 250)}.${index % 250}.0/24`,
        // Spread over 1-99 so that the evaluator sees many distinct priority levels, all above the baseline.
        webPriority: 1 + ((index * 7) % 60),
        appPriority: 1 + ((index * 11) % 80),
        dbPriority: 2 + ((index * 13) % 90),
        opensSsh: index % 25 === 0,
    };
}

const PROGRAM_BODY = `
const vpc = new alicloud.vpc.Network("org-vpc", { vpcName: "org", cidrBlock: "10.0.0.0/8" });

function tier(t: TierSpec): void {
    const tags = { team: t.name, env: "bench" };
    const vswitch = new alicloud.vpc.Switch(\`\${t.name}-vsw\`, {
        vpcId: vpc.id,
        cidrBlock: t.cidr,
        zoneId: "cn-hangzhou-h",
    });
    const group = (role: string) =>
        new alicloud.ecs.SecurityGroup(\`\${t.name}-\${role}\`, {
            securityGroupName: \`\${t.name}-\${role}\`,
            description: \`\${role} servers of \${t.name}\`,
            vpcId: vpc.id,
            innerAccessPolicy: "Drop",
            tags,
        });
    const web = group("web");
    const app = group("app");
    const db = group("db");
    const rule = (name: string, args: alicloud.ecs.SecurityGroupRuleArgs) =>
        new alicloud.ecs.SecurityGroupRule(\`\${t.name}-\${name}\`, { nicType: "intranet", ...args });
    const baseline = (role: string, sg: alicloud.ecs.SecurityGroup) =>
        rule(\`\${role}-drop-baseline\`, {
            type: "ingress", ipProtocol: "all", portRange: "-1/-1", policy: "drop", priority: 100,
            securityGroupId: sg.id, cidrIp: "0.0.0.0/0", description: "Drop everything not allowed above",
        });

    rule("web-allow-https", {
        type: "ingress", ipProtocol: "tcp", portRange: "443/443", policy: "accept", priority: t.webPriority,
        securityGroupId: web.id, cidrIp: "0.0.0.0/0", description: "HTTPS from the Internet",
    });
    rule("web-allow-ssh", {
        type: "ingress", ipProtocol: "tcp", portRange: "22/22", policy: "accept", priority: 1,
        securityGroupId: web.id, cidrIp: t.opensSsh ? "0.0.0.0/0" : "203.0.113.10/32",
        description: "SSH from the office",
    });
    baseline("web", web);
    rule("app-allow-from-web", {
        type: "ingress", ipProtocol: "tcp", portRange: "8080/8080", policy: "accept", priority: t.appPriority,
        securityGroupId: app.id, sourceSecurityGroupId: web.id, description: "HTTP API from the web tier",
    });
    rule("app-drop-admin", {
        type: "ingress", ipProtocol: "tcp", portRange: "9000/9100", policy: "drop", priority: 1,
        securityGroupId: app.id, cidrIp: "10.0.0.0/8", description: "Admin ports stay closed",
    });
    baseline("app", app);
    rule("db-allow-from-app", {
        type: "ingress", ipProtocol: "tcp", portRange: "5432/5432", policy: "accept", priority: t.dbPriority,
        securityGroupId: db.id, sourceSecurityGroupId: app.id, description: "PostgreSQL from the app tier",
    });
    rule("db-drop-from-web", {
        type: "ingress", ipProtocol: "tcp", portRange: "1/65535", policy: "drop", priority: t.dbPriority - 1,
        securityGroupId: db.id, sourceSecurityGroupId: web.id, description: "Web servers never reach the database",
    });
    rule("db-allow-monitoring", {
        type: "ingress", ipProtocol: "tcp", portRange: "9187/9187", policy: "accept", priority: 50,
        securityGroupId: db.id, cidrIp: t.cidr, description: "Exporter scrape from the tier's subnet",
    });
    baseline("db", db);

    const instance = (role: string, index: number, groups: alicloud.ecs.SecurityGroup[]) =>
        new alicloud.ecs.Instance(\`\${t.name}-\${role}-\${index}\`, {
            instanceName: \`\${t.name}-\${role}-\${index}\`,
            instanceType: "ecs.g7.large",
            imageId: "aliyun_3_x64_20G_alibase_20240819.vhd",
            vswitchId: vswitch.id,
            securityGroups: groups.map((g) => g.id),
            tags,
        });
    for (let i = 0; i < 6; i++) instance("web", i, [web]);
    for (let i = 0; i < 5; i++) instance("app", i, [app]);
    for (let i = 0; i < 3; i++) instance("db", i, [db, app]);
}

for (const t of tiers) {
    tier(t);
}
`;

/** Writes the project (Pulumi.yaml and index.ts) for `tiers` tiers into `dir`; returns its resource count. */
export function writeOrgStack(dir: string, tiers: number): number {
    writeTieredProject(dir, {
        name: "org-bench",
        description: `Synthetic organisation stack with ${tiers} tiers.`,
        generatedBy: `bench/orgStack.ts: ${tiers} tiers, ${resourceCount(tiers)} resources`,
        specFields: [
            "name: string",
            "cidr: string",
            "webPriority: number",
            "appPriority: number",
            "dbPriority: number",
            "opensSsh: boolean",
        ],
        specs: Array.from({ length: tiers }, (_, index) => tierSpec(index)),
        body: PROGRAM_BODY,
    });
    return resourceCount(tiers);
}

/**
 * Writes a generated Pulumi TypeScript project: Pulumi.yaml, and an index.ts that declares `tiers` (one spec per
 * tier, of type `TierSpec`) and then runs `body` over them.
 */
export function writeTieredProject(
    dir: string,
    project: {
        readonly name: string;
        readonly description: string;
        readonly generatedBy: string;
        readonly specFields: readonly string[];
        readonly specs: readonly object[];
        readonly body: string;
    },
): void {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
        path.join(dir, "Pulumi.yaml"),
        `name: ${project.name}\nruntime: nodejs\ndescription: ${project.description}\n`,
    );
    const program = [
        `// Generated by ${project.generatedBy}.`,
        `import * as alicloud from "@pulumi/alicloud";`,
        ``,
        `interface TierSpec {`,
        ...project.specFields.map((field) => `    ${field};`),
        `}`,
        ``,
        `const tiers: TierSpec[] = [`,
        ...project.specs.map((spec) => `    ${JSON.stringify(spec)},`),
        `];`,
        project.body,
    ].join("\n");
    fs.writeFileSync(path.join(dir, "index.ts"), program);
}
