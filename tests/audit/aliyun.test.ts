import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { graphAuditSource } from "../../engine/audit";
import { loadAliyunDir } from "../../engine/audit/aliyun";
import { GateError } from "../../engine/errors";
import { graphDocument } from "../../engine/graph/model";
import type { RecordedResource } from "../../engine/types";

const FIXTURES = path.join(__dirname, "..", "fixtures", "aliyun");
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const GROUP = "alicloud:ecs/securityGroup:SecurityGroup";
const RULE = "alicloud:ecs/securityGroupRule:SecurityGroupRule";

function urn(region: string, type: string, name: string): string {
    return `urn:pulumi:${region}::aliyun::${type}::${name}`;
}

function byUrn(resources: readonly RecordedResource[], target: string): RecordedResource {
    const found = resources.find((r) => r.urn === target);
    assert.ok(found, `${target} not recorded`);
    return found;
}

const tempDirs: string[] = [];
function tempDir(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "alicloud-sg-aliyun-test-"));
    tempDirs.push(dir);
    return dir;
}

describe("audit: reading aliyun CLI responses", () => {
    after(() => tempDirs.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

    describe("a VPC account: pages split across files, mixed case, string priorities, IPv6, prefix lists", () => {
        const dir = path.join(FIXTURES, "vpc-account");
        const region = "cn-hangzhou";
        const rule = (group: string, id: string) => urn(region, RULE, `${group}/${id}`);
        const loaded = loadAliyunDir(dir);

        it("records each group, rule and member once, by region and id, named by name and id", () => {
            assert.strictEqual(loaded.project, "aliyun");
            assert.strictEqual(loaded.stack, "cn-hangzhou");
            assert.deepStrictEqual(
                loaded.resources.map((r) => [r.type, r.urn.split("::").pop(), r.name]),
                [
                    [GROUP, "sg-bp1app00000000000002", "app (sg-bp1app00000000000002)"],
                    [
                        RULE,
                        "sg-bp1app00000000000002/sgr-bp1appdrop000000004",
                        "sgr-bp1appdrop000000004 of app (sg-bp1app00000000000002)",
                    ],
                    [
                        RULE,
                        "sg-bp1app00000000000002/sgr-bp1appfromweb000001",
                        "sgr-bp1appfromweb000001 of app (sg-bp1app00000000000002)",
                    ],
                    [
                        RULE,
                        "sg-bp1app00000000000002/sgr-bp1appmetrics000003",
                        "sgr-bp1appmetrics000003 of app (sg-bp1app00000000000002)",
                    ],
                    [
                        RULE,
                        "sg-bp1app00000000000002/sgr-bp1apppartner000002",
                        "sgr-bp1apppartner000002 of app (sg-bp1app00000000000002)",
                    ],
                    [GROUP, "sg-bp1db000000000000003", "db (sg-bp1db000000000000003)"],
                    [
                        RULE,
                        "sg-bp1db000000000000003/sgr-bp1dbdropmysql00003",
                        "sgr-bp1dbdropmysql00003 of db (sg-bp1db000000000000003)",
                    ],
                    [
                        RULE,
                        "sg-bp1db000000000000003/sgr-bp1dbmysql000000001",
                        "sgr-bp1dbmysql000000001 of db (sg-bp1db000000000000003)",
                    ],
                    [
                        RULE,
                        "sg-bp1db000000000000003/sgr-bp1dbmysqlopen00002",
                        "sgr-bp1dbmysqlopen00002 of db (sg-bp1db000000000000003)",
                    ],
                    [
                        RULE,
                        "sg-bp1db000000000000003/sgr-bp1dbredis000000004",
                        "sgr-bp1dbredis000000004 of db (sg-bp1db000000000000003)",
                    ],
                    [GROUP, "sg-bp1web00000000000001", "web (sg-bp1web00000000000001)"],
                    [
                        RULE,
                        "sg-bp1web00000000000001/sgr-bp1webdrop00000005",
                        "sgr-bp1webdrop00000005 of web (sg-bp1web00000000000001)",
                    ],
                    [
                        RULE,
                        "sg-bp1web00000000000001/sgr-bp1webegress000006",
                        "sgr-bp1webegress000006 of web (sg-bp1web00000000000001)",
                    ],
                    [
                        RULE,
                        "sg-bp1web00000000000001/sgr-bp1webhttps00000001",
                        "sgr-bp1webhttps00000001 of web (sg-bp1web00000000000001)",
                    ],
                    [
                        RULE,
                        "sg-bp1web00000000000001/sgr-bp1webhttps60000002",
                        "sgr-bp1webhttps60000002 of web (sg-bp1web00000000000001)",
                    ],
                    [
                        RULE,
                        "sg-bp1web00000000000001/sgr-bp1webrdp6000000004",
                        "sgr-bp1webrdp6000000004 of web (sg-bp1web00000000000001)",
                    ],
                    [
                        RULE,
                        "sg-bp1web00000000000001/sgr-bp1webssh000000003",
                        "sgr-bp1webssh000000003 of web (sg-bp1web00000000000001)",
                    ],
                    [
                        "alicloud:ecs/instance:Instance",
                        "i-bp1app00000000000001",
                        "app-1 (i-bp1app00000000000001)",
                    ],
                    [
                        "alicloud:ecs/instance:Instance",
                        "i-bp1db000000000000001",
                        "db-1 (i-bp1db000000000000001)",
                    ],
                    [
                        "alicloud:ecs/instance:Instance",
                        "i-bp1web00000000000001",
                        "web-1 (i-bp1web00000000000001)",
                    ],
                    // The primary ENI of web-1 is web-1's own attachment: only the secondary and a service's ENI.
                    [
                        "alicloud:ecs/ecsNetworkInterface:EcsNetworkInterface",
                        "eni-bp1appsecondary0001",
                        "app-1-data (eni-bp1appsecondary0001)",
                    ],
                    [
                        "alicloud:ecs/ecsNetworkInterface:EcsNetworkInterface",
                        "eni-bp1rds000000000001",
                        "eni-bp1rds000000000001",
                    ],
                    [
                        "alicloud:ecs/ecsLaunchTemplate:EcsLaunchTemplate",
                        "lt-bp1web00000000000001",
                        "web-template (lt-bp1web00000000000001)",
                    ],
                    [
                        "alicloud:ess/scalingConfiguration:ScalingConfiguration",
                        "asc-bp1web00000000000001",
                        "web-scaling (asc-bp1web00000000000001)",
                    ],
                ],
            );
        });

        it("records a group with the provider's property names, its type in lower case", () => {
            const app = byUrn(loaded.resources, urn(region, GROUP, "sg-bp1app00000000000002"));
            assert.deepStrictEqual(app.inputs, {
                securityGroupName: "app",
                description: "Application servers",
                vpcId: "vpc-bp1main0000000000001",
                resourceGroupId: "rg-acfmzw2jz2z****",
                securityGroupType: "normal",
                innerAccessPolicy: "Accept",
                tags: { owner: "team-app" },
            });
            assert.deepStrictEqual(app.outputs, { ...app.inputs, id: "sg-bp1app00000000000002" });
            const db = byUrn(loaded.resources, urn(region, GROUP, "sg-bp1db000000000000003"));
            assert.deepStrictEqual(db.inputs.tags, {}, "an empty Tags.Tag[] is a group without tags");
            assert.ok(!("description" in db.inputs), "an empty description is no description");
        });

        it("normalises what the API spells its own way: Ingress, ALL, Drop, Intranet, priority strings", () => {
            assert.deepStrictEqual(
                byUrn(loaded.resources, rule("sg-bp1web00000000000001", "sgr-bp1webdrop00000005")).inputs,
                {
                    securityGroupId: "sg-bp1web00000000000001",
                    type: "ingress",
                    ipProtocol: "all",
                    portRange: "-1/-1",
                    policy: "drop",
                    priority: 100,
                    nicType: "intranet",
                    description: "Drop baseline",
                    cidrIp: "0.0.0.0/0",
                },
            );
        });

        it("reads IPv6 sources, egress destinations and prefix lists into the provider's peer fields", () => {
            assert.deepStrictEqual(
                byUrn(loaded.resources, rule("sg-bp1web00000000000001", "sgr-bp1webrdp6000000004")).inputs,
                {
                    securityGroupId: "sg-bp1web00000000000001",
                    type: "ingress",
                    ipProtocol: "tcp",
                    portRange: "3389/3389",
                    policy: "accept",
                    priority: 5,
                    nicType: "intranet",
                    description: "RDP for the vendor",
                    ipv6CidrIp: "2001:db8::/32",
                },
            );
            assert.deepStrictEqual(
                byUrn(loaded.resources, rule("sg-bp1web00000000000001", "sgr-bp1webegress000006")).inputs,
                {
                    securityGroupId: "sg-bp1web00000000000001",
                    type: "egress",
                    ipProtocol: "all",
                    portRange: "-1/-1",
                    policy: "accept",
                    priority: 1,
                    nicType: "intranet",
                    cidrIp: "0.0.0.0/0",
                },
            );
            assert.deepStrictEqual(
                byUrn(loaded.resources, rule("sg-bp1app00000000000002", "sgr-bp1appmetrics000003")).inputs,
                {
                    securityGroupId: "sg-bp1app00000000000002",
                    type: "ingress",
                    ipProtocol: "tcp",
                    portRange: "9100/9100",
                    policy: "accept",
                    priority: 1,
                    nicType: "intranet",
                    description: "Node exporter from monitoring",
                    prefixListId: "pl-bp1monitoring0000001",
                },
            );
        });

        it("keeps another account's owner on a source group, and drops the owner of a group read from the account", () => {
            const partner = byUrn(
                loaded.resources,
                rule("sg-bp1app00000000000002", "sgr-bp1apppartner000002"),
            );
            assert.strictEqual(partner.inputs.sourceSecurityGroupId, "sg-2zepartner0000000009");
            assert.strictEqual(partner.inputs.sourceGroupOwnerAccount, "9876543210987654");
            const fromWeb = byUrn(
                loaded.resources,
                rule("sg-bp1app00000000000002", "sgr-bp1appfromweb000001"),
            );
            assert.strictEqual(fromWeb.inputs.sourceSecurityGroupId, "sg-bp1web00000000000001");
            assert.ok(!("sourceGroupOwnerAccount" in fromWeb.inputs));
        });

        it("records members with the groups each of their network interfaces joins", () => {
            const member = (type: string, id: string) =>
                byUrn(loaded.resources, urn(region, type, id)).inputs;
            assert.deepStrictEqual(member("alicloud:ecs/instance:Instance", "i-bp1db000000000000001"), {
                instanceName: "db-1",
                instanceType: "ecs.r7.xlarge",
                availabilityZone: "cn-hangzhou-i",
                vswitchId: "vsw-bp1db0000000000001",
                securityGroups: ["sg-bp1db000000000000003", "sg-bp1app00000000000002"],
                status: "Stopped",
                tags: {},
            });
            assert.deepStrictEqual(
                member("alicloud:ecs/ecsNetworkInterface:EcsNetworkInterface", "eni-bp1appsecondary0001"),
                {
                    networkInterfaceName: "app-1-data",
                    description: "Data plane of app-1",
                    vswitchId: "vsw-bp1app000000000002",
                    securityGroupIds: ["sg-bp1app00000000000002", "sg-bp1db000000000000003"],
                    tags: { owner: "team-app" },
                },
            );
            // The default version (2) of the template, not the first.
            assert.deepStrictEqual(
                member("alicloud:ecs/ecsLaunchTemplate:EcsLaunchTemplate", "lt-bp1web00000000000001"),
                {
                    launchTemplateName: "web-template",
                    vswitchId: "vsw-bp1web000000000001",
                    securityGroupIds: [
                        "sg-bp1web00000000000001",
                        "sg-bp1app00000000000002",
                        "sg-bp1db000000000000003",
                        "sg-bp1legacy0000000001",
                        "sg-bp1legacy0000000002",
                        "sg-bp1legacy0000000003",
                    ],
                    tags: {},
                },
            );
            assert.deepStrictEqual(
                member("alicloud:ess/scalingConfiguration:ScalingConfiguration", "asc-bp1web00000000000001"),
                {
                    scalingConfigurationName: "web-scaling",
                    scalingGroupId: "asg-bp1web00000000000001",
                    active: true,
                    securityGroupId: "sg-bp1web00000000000001",
                },
            );
        });

        it("draws exactly who reaches whom", () => {
            assert.deepStrictEqual(graphDocument(graphAuditSource({ aliyun: dir }).graph), {
                nodes: [
                    { id: "internet", label: "Internet", kind: "internet", instances: [] },
                    {
                        id: "app (sg-bp1app00000000000002)",
                        label: "app (sg-bp1app00000000000002)",
                        kind: "group",
                        instances: [
                            "app-1 (i-bp1app00000000000001)",
                            "db-1 (i-bp1db000000000000001)",
                            "ENI app-1-data (eni-bp1appsecondary0001)",
                            "launch template web-template (lt-bp1web00000000000001)",
                        ],
                    },
                    {
                        id: "db (sg-bp1db000000000000003)",
                        label: "db (sg-bp1db000000000000003)",
                        kind: "group",
                        instances: [
                            "db-1 (i-bp1db000000000000001)",
                            "ENI app-1-data (eni-bp1appsecondary0001)",
                            "ENI eni-bp1rds000000000001",
                            "launch template web-template (lt-bp1web00000000000001)",
                        ],
                    },
                    {
                        id: "web (sg-bp1web00000000000001)",
                        label: "web (sg-bp1web00000000000001)",
                        kind: "group",
                        instances: [
                            "web-1 (i-bp1web00000000000001)",
                            "launch template web-template (lt-bp1web00000000000001)",
                            "scaling configuration web-scaling (asc-bp1web00000000000001)",
                        ],
                    },
                    { id: "cidr:10.0.0.0/8", label: "10.0.0.0/8", kind: "cidr", instances: [] },
                    { id: "cidr:2001:db8::/32", label: "2001:db8::/32", kind: "cidr", instances: [] },
                    { id: "cidr:203.0.113.10/32", label: "203.0.113.10/32", kind: "cidr", instances: [] },
                    {
                        id: "prefix-list:pl-bp1monitoring0000001",
                        label: "prefix list pl-bp1monitoring0000001",
                        kind: "cidr",
                        instances: [],
                    },
                    {
                        id: "external:9876543210987654/sg-2zepartner0000000009",
                        label: "sg-2zepartner0000000009 (account 9876543210987654)",
                        kind: "external-group",
                        instances: [],
                    },
                    // The groups the launch template joins that were not read: drawn with the member that joins them.
                    {
                        id: "external:sg-bp1legacy0000000001",
                        label: "sg-bp1legacy0000000001",
                        kind: "external-group",
                        instances: ["launch template web-template (lt-bp1web00000000000001)"],
                    },
                    {
                        id: "external:sg-bp1legacy0000000002",
                        label: "sg-bp1legacy0000000002",
                        kind: "external-group",
                        instances: ["launch template web-template (lt-bp1web00000000000001)"],
                    },
                    {
                        id: "external:sg-bp1legacy0000000003",
                        label: "sg-bp1legacy0000000003",
                        kind: "external-group",
                        instances: ["launch template web-template (lt-bp1web00000000000001)"],
                    },
                ],
                edges: [
                    // Inner access of app (Accept); MySQL from app into db is dead: db drops 3306 from anywhere first.
                    {
                        from: "app (sg-bp1app00000000000002)",
                        to: "app (sg-bp1app00000000000002)",
                        protocol: "all",
                        ports: ["-1/-1"],
                    },
                    {
                        from: "web (sg-bp1web00000000000001)",
                        to: "app (sg-bp1app00000000000002)",
                        protocol: "tcp",
                        ports: ["8080/8080"],
                    },
                    {
                        from: "prefix-list:pl-bp1monitoring0000001",
                        to: "app (sg-bp1app00000000000002)",
                        protocol: "tcp",
                        ports: ["9100/9100"],
                    },
                    {
                        from: "external:9876543210987654/sg-2zepartner0000000009",
                        to: "app (sg-bp1app00000000000002)",
                        protocol: "tcp",
                        ports: ["8080/8080"],
                    },
                    {
                        from: "db (sg-bp1db000000000000003)",
                        to: "db (sg-bp1db000000000000003)",
                        protocol: "all",
                        ports: ["-1/-1"],
                    },
                    {
                        from: "cidr:10.0.0.0/8",
                        to: "db (sg-bp1db000000000000003)",
                        protocol: "tcp",
                        ports: ["6379/6379"],
                    },
                    {
                        from: "internet",
                        to: "web (sg-bp1web00000000000001)",
                        protocol: "tcp",
                        ports: ["443/443"],
                    },
                    {
                        from: "cidr:2001:db8::/32",
                        to: "web (sg-bp1web00000000000001)",
                        protocol: "tcp",
                        ports: ["3389/3389"],
                    },
                    {
                        from: "cidr:203.0.113.10/32",
                        to: "web (sg-bp1web00000000000001)",
                        protocol: "tcp",
                        ports: ["22/22"],
                    },
                ],
            });
        });

        it("reads the same account whatever the files are called and however the pages are cut", () => {
            const copy = tempDir();
            const files: string[] = [];
            const walk = (d: string): void =>
                fs
                    .readdirSync(d, { withFileTypes: true })
                    .forEach((e) =>
                        e.isDirectory() ? walk(path.join(d, e.name)) : files.push(path.join(d, e.name)),
                    );
            walk(dir);
            // One page per rule, under names that say nothing, in a nested directory of the region.
            fs.mkdirSync(path.join(copy, "2026-02-01", "cn-hangzhou"), { recursive: true });
            let n = 0;
            for (const file of files.sort().reverse()) {
                const doc = JSON.parse(fs.readFileSync(file, "utf8"));
                const permissions = doc.Permissions?.Permission as unknown[] | undefined;
                const pages = permissions
                    ? permissions.map((p) => ({ ...doc, Permissions: { Permission: [p] } }))
                    : [doc];
                for (const page of pages) {
                    fs.writeFileSync(
                        path.join(copy, "2026-02-01", "cn-hangzhou", `page-${n++}.json`),
                        JSON.stringify(page),
                    );
                }
            }
            assert.deepStrictEqual(loadAliyunDir(copy).resources, loaded.resources);
        });
    });

    describe("a classic-network account: rules of both NIC types, one group read for one NIC type only", () => {
        const dir = path.join(FIXTURES, "classic-account");
        const loaded = loadAliyunDir(dir);

        it("keeps internet and intranet rules apart and stands unknown rules in for the NIC type not read", () => {
            assert.deepStrictEqual(
                loaded.resources
                    .filter((r) => r.type === RULE)
                    .map((r) => [
                        r.urn.split("::").pop(),
                        r.inputs.nicType === UNKNOWN ? "[unknown]" : r.inputs.nicType,
                    ]),
                [
                    ["sg-m5eapp000000000000002/sgr-m5eappdropinet00001", "internet"],
                    ["sg-m5eapp000000000000002/unread-ingress-intranet", "intranet"],
                    ["sg-m5eapp000000000000002/unread-egress-intranet", "intranet"],
                    ["sg-m5eweb000000000000001/sgr-m5ewebdropinet00003", "internet"],
                    ["sg-m5eweb000000000000001/sgr-m5ewebdropintra0006", "intranet"],
                    ["sg-m5eweb000000000000001/sgr-m5ewebfromapp000005", "intranet"],
                    ["sg-m5eweb000000000000001/sgr-m5ewebhttp000000001", "internet"],
                    ["sg-m5eweb000000000000001/sgr-m5ewebmysql00000004", "intranet"],
                    ["sg-m5eweb000000000000001/sgr-m5ewebssh0000000002", "internet"],
                ],
            );
            const unread = byUrn(
                loaded.resources,
                urn("cn-qingdao", RULE, "sg-m5eapp000000000000002/unread-ingress-intranet"),
            );
            assert.strictEqual(
                unread.name,
                "intranet ingress rules of legacy-app (sg-m5eapp000000000000002)",
            );
            assert.deepStrictEqual(unread.inputs, {
                securityGroupId: "sg-m5eapp000000000000002",
                type: "ingress",
                ipProtocol: UNKNOWN,
                portRange: UNKNOWN,
                policy: UNKNOWN,
                priority: UNKNOWN,
                nicType: "intranet",
                cidrIp: UNKNOWN,
                description:
                    "alicloud-sg: rules not read: no ecs DescribeSecurityGroupAttribute response for them",
            });
            assert.ok(
                !(
                    "vpcId" in
                    byUrn(loaded.resources, urn("cn-qingdao", GROUP, "sg-m5eweb000000000000001")).inputs
                ),
            );
        });

        it("draws internet-NIC and intranet access together, and marks the group read in part", () => {
            const graph = graphAuditSource({ aliyun: dir }).graph;
            const group = (id: string, instances: string[]) => ({ id, label: id, kind: "group", instances });
            assert.deepStrictEqual(graphDocument(graph).nodes, [
                { id: "internet", label: "Internet", kind: "internet", instances: [] },
                group("legacy-app (sg-m5eapp000000000000002)", ["legacy-app-1 (i-m5eapp000000000000001)"]),
                group("legacy-web (sg-m5eweb000000000000001)", ["legacy-web-1 (i-m5eweb000000000000001)"]),
                { id: "cidr:10.161.0.0/16", label: "10.161.0.0/16", kind: "cidr", instances: [] },
            ]);
            assert.deepStrictEqual(graphDocument(graph).edges, [
                {
                    from: "internet",
                    to: "legacy-web (sg-m5eweb000000000000001)",
                    protocol: "tcp",
                    ports: ["22/22", "80/80"],
                },
                {
                    from: "legacy-app (sg-m5eapp000000000000002)",
                    to: "legacy-web (sg-m5eweb000000000000001)",
                    protocol: "tcp",
                    ports: ["8080/8080"],
                },
                {
                    from: "cidr:10.161.0.0/16",
                    to: "legacy-web (sg-m5eweb000000000000001)",
                    protocol: "tcp",
                    ports: ["3306/3306"],
                },
            ]);
            assert.deepStrictEqual([...graph.incomplete], ["legacy-app (sg-m5eapp000000000000002)"]);
        });
    });

    describe("a source port range, which the provider cannot record", () => {
        /** One response of a group of drops and accepts, each with its own `SourcePortRange`, as the API spells it. */
        function loadWith(permissions: readonly [string, string, string][]): RecordedResource[] {
            const dir = tempDir();
            fs.mkdirSync(path.join(dir, "cn-hangzhou"));
            fs.writeFileSync(
                path.join(dir, "cn-hangzhou", "DescribeSecurityGroupAttribute.sg-bp1ports0000000001.json"),
                JSON.stringify({
                    RequestId: "6B4D2A0C-0B1E-4F6A-9C1D-2F3E4A5B6C7D",
                    RegionId: "cn-hangzhou",
                    SecurityGroupId: "sg-bp1ports0000000001",
                    SecurityGroupName: "ports",
                    VpcId: "vpc-bp1main0000000000001",
                    InnerAccessPolicy: "Accept",
                    Permissions: {
                        Permission: permissions.map(([id, policy, sourcePorts]) => ({
                            SecurityGroupRuleId: id,
                            Direction: "ingress",
                            IpProtocol: "TCP",
                            PortRange: "22/22",
                            SourceCidrIp: "0.0.0.0/0",
                            SourcePortRange: sourcePorts,
                            Policy: policy,
                            NicType: "intranet",
                            Priority: "1",
                        })),
                    },
                }),
            );
            return loadAliyunDir(dir).resources;
        }
        const policyOf = (resources: readonly RecordedResource[], id: string): unknown =>
            byUrn(resources, urn("cn-hangzhou", RULE, `sg-bp1ports0000000001/${id}`)).inputs.policy;

        it("makes a drop of some source ports only of unknown effect, never a drop of all", () => {
            const resources = loadWith([
                ["sgr-1", "Drop", "1024/65535"],
                ["sgr-2", "Drop", " 53/53 "],
                ["sgr-3", "Drop", "2/65535"],
                ["sgr-4", "drop", "1024-65535"],
            ]);
            for (const id of ["sgr-1", "sgr-2", "sgr-3", "sgr-4"]) {
                assert.strictEqual(policyOf(resources, id), UNKNOWN, id);
            }
        });

        it("keeps a drop whose source port range leaves every port, however it is spelt", () => {
            const resources = loadWith([
                ["sgr-1", "Drop", "-1/-1"],
                ["sgr-2", "Drop", "1/65535"],
                ["sgr-3", "Drop", " 1/65535"],
                ["sgr-4", "Drop", "0/65535"],
                ["sgr-5", "Drop", ""],
            ]);
            for (const id of ["sgr-1", "sgr-2", "sgr-3", "sgr-4", "sgr-5"]) {
                assert.strictEqual(policyOf(resources, id), "drop", id);
            }
        });

        it("judges an accept of some source ports as an accept of all: it admits at most that", () => {
            const resources = loadWith([["sgr-1", "Accept", "1024/65535"]]);
            assert.strictEqual(policyOf(resources, "sgr-1"), "accept");
        });
    });

    describe("an account read in part", () => {
        const dir = path.join(FIXTURES, "partial-account");
        const loaded = loadAliyunDir(dir);

        it("gives a group listed but never described unknown rules and inner access, never none", () => {
            const batch = byUrn(loaded.resources, urn("cn-beijing", GROUP, "sg-2zelisted0000000001"));
            assert.strictEqual(batch.inputs.innerAccessPolicy, UNKNOWN);
            assert.deepStrictEqual(
                loaded.resources
                    .filter((r) => r.inputs.securityGroupId === "sg-2zelisted0000000001")
                    .map((r) => r.name),
                [
                    "ingress rules of batch (sg-2zelisted0000000001)",
                    "egress rules of batch (sg-2zelisted0000000001)",
                ],
            );
        });

        it("gives a group described but never listed unknown tags and type, never none", () => {
            const bastion = byUrn(loaded.resources, urn("cn-beijing", GROUP, "sg-2zedescribed00000001"));
            assert.strictEqual(bastion.inputs.tags, UNKNOWN);
            assert.strictEqual(bastion.inputs.securityGroupType, UNKNOWN);
            assert.strictEqual(bastion.inputs.innerAccessPolicy, "Drop");
        });

        it("draws the known access and marks the pool with unknown rules incomplete", () => {
            const graph = graphAuditSource({ aliyun: dir }).graph;
            const group = (id: string) => ({
                id,
                label: id,
                kind: "group",
                instances: ["worker-1 (i-2zeworker00000000001)"],
            });
            assert.deepStrictEqual(graphDocument(graph), {
                nodes: [
                    { id: "internet", label: "Internet", kind: "internet", instances: [] },
                    group("bastion (sg-2zedescribed00000001)"),
                    group("batch (sg-2zelisted0000000001)"),
                ],
                edges: [
                    {
                        from: "internet",
                        to: "bastion (sg-2zedescribed00000001)",
                        protocol: "tcp",
                        ports: ["22/22"],
                    },
                ],
            });
            assert.deepStrictEqual([...graph.incomplete].sort(), [
                "bastion (sg-2zedescribed00000001)",
                "batch (sg-2zelisted0000000001)",
            ]);
        });
    });

    describe("an account with ECI container groups and ACK node pools", () => {
        const dir = path.join(FIXTURES, "container-account");
        const region = "cn-shanghai";
        const loaded = loadAliyunDir(dir);
        const ECI = "alicloud:eci/containerGroup:ContainerGroup";
        const POOL = "alicloud:cs/nodePool:NodePool";

        it("records each container group and node pool as the provider records it", () => {
            assert.deepStrictEqual(
                loaded.resources
                    .filter((r) => r.type === ECI || r.type === POOL)
                    .map((r) => [r.type, r.urn.split("::").pop(), r.name, r.inputs]),
                [
                    [
                        ECI,
                        "eci-uf6etl00000000001",
                        "nightly-etl (eci-uf6etl00000000001)",
                        {
                            containerGroupName: "nightly-etl",
                            securityGroupId: "sg-uf6jobs000000000001",
                            vswitchId: "vsw-uf6jobs0000000000001",
                            tags: { owner: "data" },
                        },
                    ],
                    [
                        ECI,
                        "eci-uf6report000000001",
                        "weekly-report (eci-uf6report000000001)",
                        {
                            containerGroupName: "weekly-report",
                            securityGroupId: "sg-uf6nodes00000000001",
                            vswitchId: "vsw-uf6jobs0000000000001",
                            tags: {},
                        },
                    ],
                    // A pool created before multiple groups carries only security_group_id.
                    [
                        POOL,
                        "np0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5",
                        "legacy-single-group (np0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5)",
                        {
                            nodePoolName: "legacy-single-group",
                            securityGroupId: "sg-uf6nodes00000000001",
                            vswitchIds: ["vsw-uf6nodes000000000001"],
                        },
                    ],
                    [
                        POOL,
                        "np7f3b2c1d0e9f8a7b6c5d4e3f2a1b0c9",
                        "default-nodepool (np7f3b2c1d0e9f8a7b6c5d4e3f2a1b0c9)",
                        {
                            nodePoolName: "default-nodepool",
                            securityGroupIds: ["sg-uf6nodes00000000001", "sg-uf6jobs000000000001"],
                            securityGroupId: "sg-uf6nodes00000000001",
                            vswitchIds: ["vsw-uf6nodes000000000001", "vsw-uf6nodes000000000002"],
                        },
                    ],
                ],
            );
            assert.strictEqual(
                byUrn(loaded.resources, urn(region, POOL, "np7f3b2c1d0e9f8a7b6c5d4e3f2a1b0c9")).urn,
                "urn:pulumi:cn-shanghai::aliyun::alicloud:cs/nodePool:NodePool::np7f3b2c1d0e9f8a7b6c5d4e3f2a1b0c9",
            );
        });

        it("draws the pool's groups together: SSH from the Internet reaches a pool whose other group drops all", () => {
            const document = graphDocument(graphAuditSource({ aliyun: dir }).graph);
            assert.deepStrictEqual(
                document.nodes.map((node) => [node.id, node.instances]),
                [
                    ["internet", []],
                    [
                        "batch-jobs (sg-uf6jobs000000000001)",
                        [
                            "ECI container group nightly-etl (eci-uf6etl00000000001)",
                            "ACK node pool default-nodepool (np7f3b2c1d0e9f8a7b6c5d4e3f2a1b0c9)",
                        ],
                    ],
                    [
                        "k8s-nodes (sg-uf6nodes00000000001)",
                        [
                            "ECI container group weekly-report (eci-uf6report000000001)",
                            "ACK node pool legacy-single-group (np0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5)",
                            "ACK node pool default-nodepool (np7f3b2c1d0e9f8a7b6c5d4e3f2a1b0c9)",
                        ],
                    ],
                ],
            );
            assert.deepStrictEqual(document.edges, [
                {
                    from: "k8s-nodes (sg-uf6nodes00000000001)",
                    to: "batch-jobs (sg-uf6jobs000000000001)",
                    protocol: "tcp",
                    ports: ["9100/9100"],
                },
                // batch-jobs' drop-all at priority 100 loses to k8s-nodes' accept at priority 1 in the pooled set.
                {
                    from: "internet",
                    to: "k8s-nodes (sg-uf6nodes00000000001)",
                    protocol: "tcp",
                    ports: ["22/22"],
                },
                {
                    from: "k8s-nodes (sg-uf6nodes00000000001)",
                    to: "k8s-nodes (sg-uf6nodes00000000001)",
                    protocol: "all",
                    ports: ["-1/-1"],
                },
            ]);
        });
    });

    describe("refuses, in one line naming the file", () => {
        const failure = (files: Record<string, string>): string => {
            const dir = tempDir();
            for (const [name, text] of Object.entries(files)) {
                fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
                fs.writeFileSync(path.join(dir, name), text);
            }
            try {
                loadAliyunDir(dir);
            } catch (err) {
                assert.ok(err instanceof GateError, String(err));
                assert.ok(!err.message.includes("\n"), err.message);
                return err.message.split(dir).join("DIR");
            }
            throw new Error("the directory was read");
        };
        const groups = fs.readFileSync(
            path.join(FIXTURES, "vpc-account", "cn-hangzhou", "DescribeSecurityGroups.1.json"),
            "utf8",
        );

        it("a file that is not a response alicloud-sg reads", () => {
            assert.strictEqual(
                failure({
                    "cn-hangzhou/groups.json": groups,
                    "cn-hangzhou/vpcs.json": '{"Vpcs": {"Vpc": []}, "TotalCount": 0}',
                }),
                "--aliyun DIR/cn-hangzhou/vpcs.json: not a response alicloud-sg reads (ecs DescribeSecurityGroups, ecs DescribeSecurityGroupAttribute, ecs DescribeInstances, ...): unknown shape",
            );
        });

        it("an API error saved instead of data", () => {
            assert.strictEqual(
                failure({
                    "e.json":
                        '{"RequestId": "1A2B", "HostId": "ecs.aliyuncs.com", "Code": "Forbidden.RAM", "Message": "User not authorized to operate on the specified resource."}',
                }),
                "--aliyun DIR/e.json: an API error response (Code Forbidden.RAM), not data; collect it again with read permissions",
            );
        });

        it("a stack export", () => {
            assert.strictEqual(
                failure({ "stack.json": '{"version": 3, "deployment": {"resources": []}}' }),
                "--aliyun DIR/stack.json: a stack export, not an aliyun response; pass it with --stack-export",
            );
        });

        it("a group, its rules or a member without an id, which the audit could attribute to nothing", () => {
            assert.strictEqual(
                failure({
                    "cn-hangzhou/attribute.json":
                        '{"RequestId": "9C1F", "RegionId": "cn-hangzhou", "SecurityGroupId": " ", "VpcId": "vpc-bp1x", "Permissions": {"Permission": [{"IpProtocol": "TCP", "PortRange": "22/22", "SourceCidrIp": "0.0.0.0/0", "Policy": "Accept", "Priority": "1", "Direction": "ingress"}]}}',
                }),
                '--aliyun DIR/cn-hangzhou/attribute.json: the response has no SecurityGroupId (found " "); collect it again',
            );
            assert.strictEqual(
                failure({
                    "cn-hangzhou/groups.json":
                        '{"RegionId": "cn-hangzhou", "TotalCount": 1, "SecurityGroups": {"SecurityGroup": [{"SecurityGroupName": "web", "VpcId": "vpc-bp1x"}]}}',
                }),
                "--aliyun DIR/cn-hangzhou/groups.json: an item of SecurityGroups.SecurityGroup has no SecurityGroupId (found null); collect it again",
            );
            assert.strictEqual(
                failure({
                    "cn-hangzhou/groups.json": groups,
                    "cn-hangzhou/instances.json":
                        '{"TotalCount": 1, "Instances": {"Instance": [{"InstanceId": 42, "InstanceName": "web-1", "SecurityGroupIds": {"SecurityGroupId": ["sg-bp1web"]}}]}}',
                }),
                "--aliyun DIR/cn-hangzhou/instances.json: an item of Instances.Instance has no InstanceId (found 42); collect it again",
            );
            // ACK answers in its own nesting: the message names the field as the response spells it.
            assert.strictEqual(
                failure({
                    "cn-shanghai/pools.json":
                        '{"nodepools": [{"nodepool_info": {"name": "default-nodepool"}, "scaling_group": {"security_group_ids": ["sg-uf6nodes"]}}]}',
                }),
                "--aliyun DIR/cn-shanghai/pools.json: an item of nodepools has no nodepool_info.nodepool_id (found null); collect it again",
            );
        });

        it("a truncated page", () => {
            assert.strictEqual(
                failure({ "cn-hangzhou/groups.json": groups.slice(0, 700) }),
                "--aliyun DIR/cn-hangzhou/groups.json: not valid JSON: it ends before the document does (is the file truncated?)",
            );
        });

        it("a directory without a response, or no directory at all", () => {
            assert.strictEqual(
                failure({ "notes.txt": "collected on Monday" }),
                '--aliyun DIR: no .json file; collect the account first (README "Audit what is deployed")',
            );
            assert.throws(() => loadAliyunDir(path.join(FIXTURES, "no-such-account")), {
                message: `--aliyun ${path.join(FIXTURES, "no-such-account")}: not a directory`,
            });
        });
    });
});
