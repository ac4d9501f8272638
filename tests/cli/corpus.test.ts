import * as assert from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import type { ReportInvoke } from "../../engine/report";
import { preview, type GateRun, type PreviewReport, reportOf, ROOT } from "../examples/gate";
import { lineOf } from "./run";

/**
 * Real programs, written in the style of the provider's registry examples and of teams' own projects: lookups in
 * the promise, async/await and Output forms, multi-file programs, this library's components, stack config and
 * pinned answers. Each runs end to end through `alicloud-sg preview --format json`, as installed (compiled).
 */
const CORPUS = path.join(ROOT, "tests", "fixtures", "corpus");

const NETWORK = "alicloud:vpc/network:Network";
const SWITCH = "alicloud:vpc/switch:Switch";
const GROUP = "alicloud:ecs/securityGroup:SecurityGroup";
const RULE = "alicloud:ecs/securityGroupRule:SecurityGroupRule";
const INSTANCE = "alicloud:ecs/instance:Instance";
const KEY_PAIR = "alicloud:ecs/ecsKeyPair:EcsKeyPair";
const WEB_TIER = "alicloud-secure-groups:index:WebTierGroup";
const SECURE_GROUP = "alicloud-secure-groups:index:SecureGroup";
const SERVICE_GROUP = "alicloud-secure-groups:index:ServiceGroupFromSource";
const REDIS_GROUP = "alicloud-secure-groups:index:RedisGroupFromSource";

const ZONES = "alicloud:index/getZones:getZones";
const IMAGES = "alicloud:ecs/getImages:getImages";
const INSTANCE_TYPES = "alicloud:ecs/getInstanceTypes:getInstanceTypes";
const KEY_PAIRS = "alicloud:ecs/getKeyPairs:getKeyPairs";
const NETWORKS = "alicloud:vpc/getNetworks:getNetworks";
const SWITCHES = "alicloud:vpc/getSwitches:getSwitches";
const U = "[unknown]";

interface Program {
    readonly name: string;
    readonly args?: readonly string[];
    readonly exit: 0 | 1;
    /** `type name` of every resource. */
    readonly resources: readonly string[];
    /** Exact inputs of the resources a lookup reaches, by name (or `type name` where names repeat). */
    readonly inputs: Readonly<Record<string, Record<string, unknown>>>;
    /** `level policy resource source`. */
    readonly violations: readonly string[];
    readonly invokes: readonly ReportInvoke[];
    /** Lines the command must print on stderr besides the mock note. */
    readonly notes?: readonly string[];
    /** Secret config values, which must appear nowhere in the output. */
    readonly secrets?: readonly string[];
}

/** `file:line` of the first line of a corpus program's file that contains `needle`. */
const at = (program: string, needle: string, file = "index.ts"): string =>
    `${file}:${lineOf(path.join(CORPUS, program, file), needle)}`;

const unknown = (token: string, args: Record<string, unknown>, source: string): ReportInvoke => ({
    token,
    args,
    answer: "unknown",
    source,
});

/** A rule as the programs below write them: every setting explicit. */
const rule = (fields: Record<string, unknown>): Record<string, unknown> => ({
    type: "ingress",
    ipProtocol: "tcp",
    nicType: "intranet",
    policy: "accept",
    priority: 1,
    securityGroupId: U,
    ...fields,
});
const dropAll = (description = "Drop everything else"): Record<string, unknown> =>
    rule({
        ipProtocol: "all",
        policy: "drop",
        priority: 100,
        portRange: "-1/-1",
        cidrIp: "0.0.0.0/0",
        description,
    });
const webTier = (name: string): string[] => [
    `${WEB_TIER} ${name}`,
    `${GROUP} ${name}`,
    `${RULE} ${name}-allow-http-from-internet`,
    `${RULE} ${name}-allow-https-from-internet`,
    `${RULE} ${name}-drop-baseline`,
];
const serviceTier = (type: string, name: string, service: string, source: string): string[] => [
    `${type} ${name}`,
    `${GROUP} ${name}`,
    `${RULE} ${name}-allow-${service}-from-${source}`,
    `${RULE} ${name}-allow-${service}-from-members`,
    `${RULE} ${name}-drop-baseline`,
    `${RULE} ${name}-drop-${service}-from-anywhere`,
];

const PROGRAMS: Program[] = [
    {
        name: "registry-ecs-instance",
        exit: 1,
        resources: [
            `${NETWORK} vpc`,
            `${SWITCH} vswitch`,
            `${GROUP} group`,
            `${RULE} allow-https`,
            `${RULE} allow-ssh`,
            `${INSTANCE} instance`,
        ],
        inputs: {
            vswitch: { vpcId: U, cidrBlock: "172.16.0.0/24", zoneId: U, vswitchName: "terraform-example" },
            instance: {
                availabilityZone: U,
                instanceName: "terraform-example",
                securityGroups: [U],
                instanceType: U,
                imageId: U,
                vswitchId: U,
                internetMaxBandwidthOut: 10,
                systemDiskCategory: "cloud_efficiency",
            },
        },
        violations: [
            `advisory enable-inner-access-drop group ${at("registry-ecs-instance", 'SecurityGroup("group"')}`,
            `advisory missing-drop-baseline group ${at("registry-ecs-instance", 'SecurityGroup("group"')}`,
            `mandatory disallow-broad-intranet-cidr allow-ssh ${at("registry-ecs-instance", 'SecurityGroupRule("allow-ssh"')}`,
            `mandatory disallow-public-risky-ports allow-ssh ${at("registry-ecs-instance", 'SecurityGroupRule("allow-ssh"')}`,
        ],
        invokes: [
            unknown(
                ZONES,
                { availableDiskCategory: "cloud_efficiency", availableResourceCreation: "VSwitch" },
                at("registry-ecs-instance", "alicloud.getZones("),
            ),
            unknown(
                IMAGES,
                { nameRegex: "^ubuntu_22.*64", mostRecent: true, owners: "system" },
                at("registry-ecs-instance", "alicloud.ecs.getImages("),
            ),
            // Called once the zones resolved: the zone it names is a placeholder, so unknown.
            unknown(
                INSTANCE_TYPES,
                { availabilityZone: U, cpuCoreCount: 2, memorySize: 4 },
                at("registry-ecs-instance", "alicloud.ecs.getInstanceTypes("),
            ),
        ],
    },
    {
        name: "async-web-tier",
        exit: 0,
        resources: [
            ...webTier("web"),
            `${NETWORK} shop`,
            `${SWITCH} shop-a`,
            `${INSTANCE} web-1`,
            `${INSTANCE} web-2`,
        ],
        inputs: {
            "shop-a": {
                vpcId: U,
                cidrBlock: "10.20.1.0/24",
                zoneId: U,
                vswitchName: U,
                tags: { owner: "team-shop", project: "async-web-tier" },
            },
            "web-1": {
                instanceName: "web-1",
                instanceType: "ecs.g7.large",
                imageId: U,
                keyName: U,
                // Math.max(40, size) of an unknown size.
                systemDiskSize: U,
                vswitchId: U,
                securityGroups: U,
                tags: { owner: "team-shop", project: "async-web-tier" },
            },
        },
        violations: [],
        invokes: [
            unknown(
                ZONES,
                { availableResourceCreation: "VSwitch" },
                at("async-web-tier", "alicloud.getZones("),
            ),
            unknown(
                IMAGES,
                { nameRegex: "^aliyun_3_x64", owners: "system", mostRecent: true },
                at("async-web-tier", "alicloud.ecs.getImages("),
            ),
            unknown(
                KEY_PAIRS,
                { nameRegex: "^shop-deploy" },
                at("async-web-tier", "alicloud.ecs.getKeyPairs("),
            ),
        ],
    },
    {
        name: "output-form",
        exit: 0,
        resources: [
            `${NETWORK} vpc`,
            `${SWITCH} vswitch`,
            `${GROUP} db`,
            `${RULE} db-mysql-from-app`,
            `${RULE} db-drop-all`,
            `${INSTANCE} db-1`,
        ],
        inputs: {
            vswitch: { vpcId: U, cidrBlock: "192.168.10.0/24", zoneId: U, vswitchName: U },
            "db-mysql-from-app": rule({
                portRange: "3306/3306",
                cidrIp: U,
                description: "MySQL from the app vSwitch",
            }),
            "db-1": {
                instanceName: "orders-db-1",
                instanceType: U,
                imageId: U,
                vswitchId: U,
                securityGroups: [U],
            },
        },
        // The CIDR is looked up (unknown in preview) and could be any address: can't tell yet, never quiet.
        violations: ["advisory disallow-public-risky-ports db-mysql-from-app index.ts:29"],
        invokes: [
            unknown(
                ZONES,
                { availableResourceCreation: "VSwitch" },
                at("output-form", "alicloud.getZonesOutput("),
            ),
            // Its argument is an unknown Output: the SDK does not even call the provider.
            unknown(
                INSTANCE_TYPES,
                { availabilityZone: U, instanceTypeFamily: "ecs.g7" },
                at("output-form", "alicloud.ecs.getInstanceTypesOutput("),
            ),
            unknown(
                IMAGES,
                { nameRegex: "^ubuntu_22", owners: "system", mostRecent: true },
                at("output-form", "alicloud.ecs.getImagesOutput("),
            ),
            unknown(SWITCHES, { nameRegex: "^app-" }, at("output-form", "alicloud.vpc.getSwitchesOutput(")),
        ],
    },
    {
        name: "key-pairs",
        exit: 0,
        resources: [
            `${NETWORK} ops`,
            `${SWITCH} ops`,
            `${GROUP} bastion`,
            `${RULE} bastion-ssh-from-office`,
            `${RULE} bastion-drop-all`,
            `${KEY_PAIR} break-glass`,
            `${INSTANCE} bastion-1`,
        ],
        inputs: {
            "bastion-ssh-from-office": rule({
                portRange: "22/22",
                cidrIp: "203.0.113.10/32",
                description: "SSH from the office",
            }),
            "bastion-drop-all": dropAll(),
            "bastion-1": {
                instanceName: "bastion-1",
                instanceType: "ecs.t6-c1m1.large",
                imageId: "aliyun_3_x64_20G_alibase_20240819.vhd",
                vswitchId: U,
                securityGroups: [U],
                keyName: U,
                internetMaxBandwidthOut: 5,
            },
        },
        violations: [],
        invokes: [
            unknown(KEY_PAIRS, { nameRegex: "^ops-" }, at("key-pairs", "alicloud.ecs.getKeyPairs(")),
            unknown(
                ZONES,
                { availableInstanceType: "ecs.t6-c1m1.large" },
                at("key-pairs", "alicloud.getZones("),
            ),
        ],
    },
    {
        name: "resource-groups",
        exit: 0,
        resources: [
            `${NETWORK} payments`,
            `${SECURE_GROUP} api`,
            `${GROUP} api`,
            `${RULE} api-https`,
            `${RULE} api-drop-baseline`,
            ...serviceTier(REDIS_GROUP, "sessions", "redis", "api"),
        ],
        inputs: {
            payments: {
                vpcName: "payments",
                cidrBlock: "10.30.0.0/16",
                resourceGroupId: U,
                tags: { owner: "team-payments", environment: "prod" },
            },
            api: {
                description:
                    "Security group api, managed by alicloud-secure-groups: only explicitly allowed traffic",
                innerAccessPolicy: "Drop",
                resourceGroupId: U,
                securityGroupName: "api",
                securityGroupType: "normal",
                tags: {
                    environment: "prod",
                    "managed-by": "alicloud-secure-groups",
                    owner: "team-payments",
                    tier: "custom",
                },
                vpcId: U,
            },
        },
        violations: [
            `advisory prefer-source-group-authorization api-https ${at("resource-groups", 'new SecureGroup("api"')}`,
        ],
        invokes: [
            unknown(
                "alicloud:resourcemanager/getResourceGroups:getResourceGroups",
                { nameRegex: "^prod-payments$", status: "OK" },
                at("resource-groups", "alicloud.resourcemanager.getResourceGroups("),
            ),
        ],
    },
    {
        name: "shared-vpc-lookup",
        exit: 0,
        resources: [
            `${GROUP} app`,
            `${RULE} app-http-from-vpc`,
            `${RULE} app-drop-all`,
            // One app server per vSwitch found, named after its zone: one placeholder vSwitch, one server.
            `${INSTANCE} app-[vpc.getSwitches.vswitches[0].zoneId]`,
        ],
        inputs: {
            app: {
                securityGroupName: "app",
                description: "App servers in the shared VPC",
                vpcId: U,
                innerAccessPolicy: "Drop",
                tags: { owner: "team-app" },
            },
            "app-http-from-vpc": rule({
                portRange: "8080/8080",
                cidrIp: U,
                description: "HTTP from the shared VPC",
            }),
            "app-[vpc.getSwitches.vswitches[0].zoneId]": {
                instanceName: "app",
                instanceType: "ecs.c7.large",
                imageId: "aliyun_3_x64_20G_alibase_20240819.vhd",
                vswitchId: U,
                securityGroups: [U],
            },
        },
        violations: [],
        invokes: [
            unknown(
                NETWORKS,
                { nameRegex: "^shared-vpc$", status: "Available" },
                at("shared-vpc-lookup", "alicloud.vpc.getNetworks("),
            ),
            unknown(SWITCHES, { vpcId: U }, at("shared-vpc-lookup", "alicloud.vpc.getSwitches(")),
        ],
    },
    {
        name: "multi-file",
        exit: 0,
        resources: [
            `${NETWORK} inventory`,
            `${SWITCH} inventory-1`,
            `${WEB_TIER} api`,
            `${GROUP} api`,
            `${RULE} api-allow-https-from-internet`,
            `${RULE} api-drop-baseline`,
            ...serviceTier(SERVICE_GROUP, "workers", "http", "api"),
            `${GROUP} monitoring`,
            `${INSTANCE} api-1`,
            `${INSTANCE} worker-1`,
        ],
        inputs: {
            "inventory-1": { vpcId: U, cidrBlock: "10.40.1.0/24", zoneId: U },
            "api-1": {
                instanceName: "api-1",
                instanceType: "ecs.g7.large",
                imageId: U,
                vswitchId: U,
                securityGroups: U,
            },
            "worker-1": {
                instanceName: "worker-1",
                instanceType: "ecs.c7.large",
                imageId: U,
                vswitchId: U,
                securityGroups: U,
            },
        },
        violations: [],
        invokes: [
            unknown(
                ZONES,
                { availableResourceCreation: "VSwitch" },
                at("multi-file", "alicloud.getZones(", "network.ts"),
            ),
            unknown(
                IMAGES,
                { nameRegex: "^aliyun_3_x64", owners: "system", mostRecent: true },
                at("multi-file", "alicloud.ecs.getImages(", "compute.ts"),
            ),
        ],
    },
    {
        name: "components-lookups",
        exit: 0,
        resources: [
            ...webTier("web"),
            ...serviceTier(REDIS_GROUP, "cache", "redis", "web"),
            `${INSTANCE} web-1`,
            `${INSTANCE} web-2`,
            `${INSTANCE} redis-1`,
        ],
        inputs: {
            web: {
                description:
                    "Web tier web: tcp 80, 443 from the Internet, administration from named groups only",
                innerAccessPolicy: "Drop",
                securityGroupName: "web",
                securityGroupType: "normal",
                tags: { "managed-by": "alicloud-secure-groups", owner: "team-shop", tier: "web" },
                vpcId: U,
            },
            "redis-1": {
                instanceName: "redis-1",
                instanceType: "ecs.r7.large",
                imageId: U,
                vswitchId: U,
                securityGroups: U,
            },
        },
        violations: [],
        invokes: [
            unknown(
                NETWORKS,
                { nameRegex: "^platform-prod$" },
                at("components-lookups", "alicloud.vpc.getNetworks("),
            ),
            unknown(
                IMAGES,
                { nameRegex: "^ubuntu_22", owners: "system", mostRecent: true },
                at("components-lookups", "alicloud.ecs.getImages("),
            ),
        ],
    },
    {
        name: "stack-config",
        args: ["--stack", "prod"],
        exit: 0,
        resources: [
            `${NETWORK} admin`,
            `${SWITCH} admin`,
            `${GROUP} admin`,
            `${RULE} admin-rdp-from-office`,
            `${RULE} admin-drop-all`,
            `${INSTANCE} admin-1`,
        ],
        inputs: {
            // The region and stack name from Pulumi.prod.yaml and --stack.
            [`${NETWORK} admin`]: { vpcName: "admin-cn-shanghai", cidrBlock: "10.50.0.0/16" },
            [`${GROUP} admin`]: {
                securityGroupName: "admin-prod",
                description: "Admin console",
                vpcId: U,
                innerAccessPolicy: "Drop",
                tags: { owner: "team-admin", stack: "prod" },
            },
            "admin-rdp-from-office": rule({
                portRange: "3389/3389",
                cidrIp: "198.51.100.7/32",
                description: "RDP from the office",
            }),
            "admin-1": {
                instanceName: "admin-1",
                instanceType: "ecs.g7.xlarge",
                imageId: U,
                keyName: U,
                vswitchId: U,
                securityGroups: [U],
            },
        },
        violations: [],
        invokes: [
            unknown(
                ZONES,
                { availableInstanceType: "ecs.g7.xlarge", availableResourceCreation: "Instance" },
                at("stack-config", "alicloud.getZones("),
            ),
            unknown(
                IMAGES,
                { imageFamily: "acs:alibaba_cloud_linux_3_2104_lts_x64", owners: "system" },
                at("stack-config", "alicloud.ecs.getImages("),
            ),
            // A secret argument stays a secret in the report.
            unknown(KEY_PAIRS, { ids: ["[secret]"] }, at("stack-config", "alicloud.ecs.getKeyPairsOutput(")),
        ],
        secrets: ["admin-deploy-7f3a"],
    },
    {
        name: "pinned-answers",
        args: ["--invokes", path.join(CORPUS, "pinned-answers", "pins.yaml")],
        exit: 0,
        resources: [
            `${NETWORK} vpc`,
            `${SWITCH} vswitch`,
            `${GROUP} app`,
            `${INSTANCE} app-ubuntu`,
            `${INSTANCE} app-linux`,
        ],
        inputs: {
            // Pinned answers are used exactly as given, and what derives from them is known.
            vswitch: {
                vpcId: U,
                cidrBlock: "10.60.1.0/24",
                zoneId: "cn-hangzhou-h",
                vswitchName: "pinned-cn-hangzhou-h",
            },
            "app-ubuntu": {
                instanceName: "app-ubuntu",
                instanceType: U,
                imageId: "ubuntu_22_04_x64_20G_alibase_20240130.vhd",
                vswitchId: U,
                securityGroups: [U],
            },
            // No entry pins these arguments, and the key has no default: unknown.
            "app-linux": {
                instanceName: "app-linux",
                instanceType: U,
                imageId: U,
                vswitchId: U,
                securityGroups: [U],
            },
        },
        violations: [],
        invokes: [
            {
                token: ZONES,
                args: { availableResourceCreation: "VSwitch" },
                answer: "pinned",
                source: at("pinned-answers", "alicloud.getZones("),
            },
            {
                token: IMAGES,
                args: { nameRegex: "^ubuntu_22", owners: "system", mostRecent: true },
                answer: "pinned",
                source: at("pinned-answers", "const ubuntu = "),
            },
            unknown(
                IMAGES,
                { nameRegex: "^aliyun_3", owners: "system", mostRecent: true },
                at("pinned-answers", "const linux = "),
            ),
            unknown(
                INSTANCE_TYPES,
                { availabilityZone: "cn-hangzhou-h", cpuCoreCount: 4, memorySize: 16 },
                at("pinned-answers", "alicloud.ecs.getInstanceTypes("),
            ),
        ],
        notes: [
            `alicloud-sg: note: --invokes ${path.join(CORPUS, "pinned-answers", "pins.yaml")}: vpc.getNetworks names no data source the program called`,
        ],
    },
    {
        name: "derived-values",
        exit: 0,
        resources: [
            `${NETWORK} vpc`,
            `${SWITCH} vsw-[getZones.zones[0].id]`,
            `${INSTANCE} web-[getZones.zones[0].localName]`,
            `${GROUP} web`,
            `${RULE} web-ssh-from-office`,
            `${RULE} web-https`,
            `${RULE} web-drop-all`,
        ],
        inputs: {
            "vsw-[getZones.zones[0].id]": {
                vpcId: U,
                cidrBlock: "10.70.1.0/24",
                zoneId: U,
                vswitchName: U,
                tags: { zone: U, owner: "team-derived" },
            },
            web: {
                securityGroupName: "web",
                description: U,
                vpcId: U,
                innerAccessPolicy: "Drop",
                tags: { owner: "team-derived", account: U },
            },
            "web-ssh-from-office": rule({
                portRange: "22/22",
                cidrIp: U,
                description: "SSH from the office network",
            }),
            "web-https": rule({
                portRange: "443/443",
                cidrIp: "0.0.0.0/0",
                description: "HTTPS from the Internet",
            }),
        },
        // The office CIDR is looked up: SSH at priority 1 from an address not known yet is "can't tell yet".
        violations: ["advisory disallow-public-risky-ports web-ssh-from-office index.ts:38"],
        invokes: [
            unknown(
                ZONES,
                { availableResourceCreation: "VSwitch" },
                at("derived-values", "alicloud.getZones("),
            ),
            unknown(
                "alicloud:index/getCallerIdentity:getCallerIdentity",
                {},
                at("derived-values", "alicloud.getCallerIdentity("),
            ),
            unknown(NETWORKS, { nameRegex: "^office$" }, at("derived-values", "alicloud.vpc.getNetworks(")),
        ],
    },
    {
        name: "security-group-lookup",
        exit: 0,
        resources: [
            `${GROUP} bastion`,
            `${SECURE_GROUP} app`,
            `${GROUP} app`,
            `${RULE} app-ssh`,
            `${RULE} app-http`,
            `${RULE} app-drop-baseline`,
            `${RULE} app-all-from-bastion`,
        ],
        inputs: {
            // Read as an existing resource with a looked-up id.
            bastion: { id: U },
            "app-ssh": rule({
                portRange: "22/22",
                sourceSecurityGroupId: U,
                description: "Allow SSH from security group bastion",
            }),
            "app-all-from-bastion": rule({
                portRange: "1/65535",
                sourceSecurityGroupId: U,
                description: "Everything from the bastion",
            }),
        },
        violations: [
            `advisory enable-inner-access-drop bastion ${at("security-group-lookup", "alicloud.ecs.SecurityGroup.get(")}`,
            `advisory prefer-source-group-authorization app-http ${at("security-group-lookup", 'new SecureGroup("app"')}`,
        ],
        invokes: [
            unknown(
                "alicloud:ecs/getSecurityGroups:getSecurityGroups",
                { nameRegex: "^bastion$", vpcId: "vpc-bp1platform0001" },
                at("security-group-lookup", "alicloud.ecs.getSecurityGroups("),
            ),
        ],
    },
    {
        name: "javascript-program",
        exit: 1,
        resources: [`${NETWORK} vpc`, `${SWITCH} vswitch`, `${GROUP} group`, `${RULE} redis-from-everywhere`],
        inputs: { vswitch: { vpcId: U, cidrBlock: "10.80.1.0/24", zoneId: U } },
        violations: [
            `advisory missing-drop-baseline group ${at("javascript-program", 'SecurityGroup("group"', "index.js")}`,
            `advisory prefer-source-group-authorization redis-from-everywhere ${at("javascript-program", 'SecurityGroupRule("redis-from-everywhere"', "index.js")}`,
            `mandatory disallow-broad-intranet-cidr redis-from-everywhere ${at("javascript-program", 'SecurityGroupRule("redis-from-everywhere"', "index.js")}`,
        ],
        invokes: [
            unknown(
                ZONES,
                { availableResourceCreation: "VSwitch" },
                at("javascript-program", "alicloud.getZones(", "index.js"),
            ),
        ],
    },
];

describe("real programs, through `alicloud-sg preview --format json`", function () {
    this.timeout(900_000);
    const runs = new Map<string, Promise<GateRun>>();
    before(() => {
        for (const program of PROGRAMS) {
            runs.set(program.name, preview(path.join(CORPUS, program.name), program.args ?? []));
        }
    });

    it("holds at least twelve programs", () => {
        assert.ok(PROGRAMS.length >= 12);
    });

    it("says in the text report which data sources were answered offline, and how", () => {
        const program = path.join(CORPUS, "pinned-answers");
        const result = spawnSync(
            process.execPath,
            [
                path.join(ROOT, "bin", "alicloud-sg.js"),
                "preview",
                program,
                "--invokes",
                path.join(program, "pins.yaml"),
            ],
            { cwd: ROOT, env: { ...process.env, NO_COLOR: "1" }, encoding: "utf8" },
        );
        assert.strictEqual(result.status, 0, result.stderr);
        const lines = result.stdout.split("\n");
        const start = lines.findIndex((line) => line.startsWith("Data sources answered offline"));
        assert.deepStrictEqual(lines.slice(start, start + 6), [
            "Data sources answered offline (unknown: as in a preview, nothing derived from them is known; pinned: --invokes):",
            `    pinned   ${ZONES}({"availableResourceCreation":"VSwitch"})  ${at("pinned-answers", "alicloud.getZones(")}`,
            `    pinned   ${IMAGES}({"mostRecent":true,"nameRegex":"^ubuntu_22","owners":"system"})  ${at("pinned-answers", "const ubuntu = ")}`,
            `    unknown  ${IMAGES}({"mostRecent":true,"nameRegex":"^aliyun_3","owners":"system"})  ${at("pinned-answers", "const linux = ")}`,
            `    unknown  ${INSTANCE_TYPES}({"availabilityZone":"cn-hangzhou-h","cpuCoreCount":4,"memorySize":16})  ${at("pinned-answers", "alicloud.ecs.getInstanceTypes(")}`,
            "",
        ]);
    });

    it("graphs a program with lookups", () => {
        const program = path.join(CORPUS, "derived-values");
        const result = spawnSync(
            process.execPath,
            [path.join(ROOT, "bin", "alicloud-sg.js"), "graph", program, "--format", "json"],
            { cwd: ROOT, encoding: "utf8" },
        );
        assert.strictEqual(result.status, 0, result.stderr);
        const graph = JSON.parse(result.stdout) as { edges: unknown[] };
        // The office CIDR is looked up: only the known HTTPS rule draws an edge.
        assert.deepStrictEqual(graph.edges, [
            { from: "internet", to: "web", protocol: "tcp", ports: ["443/443"] },
        ]);
    });

    for (const program of PROGRAMS) {
        describe(program.name, () => {
            let run: GateRun;
            let report: PreviewReport & { invokes: ReportInvoke[] };
            before(async () => {
                run = await (runs.get(program.name) as Promise<GateRun>);
                report = reportOf(run) as PreviewReport & { invokes: ReportInvoke[] };
            });

            it(`exits ${program.exit} with the program's resources and findings`, () => {
                assert.strictEqual(run.code, program.exit, run.stderr);
                assert.deepStrictEqual(
                    report.resources.map((r) => `${r.type} ${r.name}`).sort(),
                    [...program.resources].sort(),
                );
                assert.deepStrictEqual(
                    report.violations
                        .map((v) => `${v.enforcementLevel} ${v.policyName} ${v.resourceName} ${v.source}`)
                        .sort(),
                    [...program.violations].sort(),
                );
            });

            it("records what the lookups reach as unknown (or as pinned), and nothing invented", () => {
                for (const [name, inputs] of Object.entries(program.inputs)) {
                    const matches = report.resources.filter(
                        (r) =>
                            (r.name === name && !r.type.startsWith("alicloud-secure-groups:")) ||
                            `${r.type} ${r.name}` === name,
                    );
                    assert.strictEqual(matches.length, 1, `${name} is one resource`);
                    assert.deepStrictEqual(matches[0].inputs, inputs, name);
                }
                const text = JSON.stringify(report);
                assert.ok(!text.includes("«") && !/\bNaN\b/.test(text), "a placeholder reached the report");
                for (const secret of program.secrets ?? []) {
                    assert.ok(
                        !run.stdout.includes(secret) && !run.stderr.includes(secret),
                        `${secret} leaked`,
                    );
                }
            });

            it("lists every data source called, how it was answered and where", () => {
                assert.deepStrictEqual(report.invokes, program.invokes);
                const notes = run.stderr.split("\n").filter((line) => line.startsWith("alicloud-sg: note:"));
                assert.deepStrictEqual(notes, program.notes ?? []);
            });
        });
    }
});
