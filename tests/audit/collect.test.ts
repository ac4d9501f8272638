import * as assert from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadAliyunDir } from "../../engine/audit/aliyun";

/**
 * The collection script (`scripts/collect-aliyun.mjs`) against a stand-in for the aliyun CLI that pages as the
 * API pages: every region, every page, both NIC types of a classic-network group, only read calls, and a
 * directory `audit --aliyun` reads back whole.
 */

const ROOT = path.join(__dirname, "..", "..");
const SCRIPT = path.join(ROOT, "scripts", "collect-aliyun.mjs");
const FAKE = path.join(__dirname, "fakeAliyun.js");

const HANGZHOU_GROUPS = 101;

function account() {
    const groups = [
        ...Array.from({ length: HANGZHOU_GROUPS }, (_, n) => ({
            region: "cn-hangzhou",
            SecurityGroupId: `sg-bp1collect${String(n).padStart(8, "0")}`,
            SecurityGroupName: `group-${n}`,
            SecurityGroupType: "normal",
            VpcId: "vpc-bp1collect0000001",
            Tags: { Tag: [{ TagKey: "owner", TagValue: "team-a" }] },
        })),
        {
            region: "cn-qingdao",
            SecurityGroupId: "sg-m5ecollect00000001",
            SecurityGroupName: "legacy",
            SecurityGroupType: "normal",
            VpcId: "",
            Tags: { Tag: [{ TagKey: "owner", TagValue: "team-b" }] },
        },
    ];
    const rule = (id: string, nicType: string, port: number) => ({
        SecurityGroupRuleId: id,
        Direction: "ingress",
        IpProtocol: "TCP",
        PortRange: `${port}/${port}`,
        SourceCidrIp: "10.0.0.0/16",
        Policy: "Accept",
        NicType: nicType,
        Priority: "1",
    });
    return {
        regions: ["cn-hangzhou", "cn-qingdao"],
        groups,
        permissions: {
            "sg-bp1collect00000000": [rule("sgr-bp1collect0001", "intranet", 443)],
            "sg-m5ecollect00000001": [
                rule("sgr-m5ecollect0001", "internet", 80),
                rule("sgr-m5ecollect0002", "intranet", 8080),
            ],
        },
        instances: Array.from({ length: 150 }, (_, n) => ({
            region: "cn-hangzhou",
            InstanceId: `i-bp1collect${String(n).padStart(8, "0")}`,
            InstanceName: `node-${n}`,
            SecurityGroupIds: { SecurityGroupId: [groups[n % HANGZHOU_GROUPS].SecurityGroupId] },
        })),
        enis: [
            {
                region: "cn-hangzhou",
                NetworkInterfaceId: "eni-bp1collect000001",
                Type: "Secondary",
                SecurityGroupIds: { SecurityGroupId: ["sg-bp1collect00000001"] },
            },
        ],
        templates: [
            { region: "cn-hangzhou", LaunchTemplateId: "lt-bp1collect000001", LaunchTemplateName: "t" },
        ],
        versions: {
            "lt-bp1collect000001": [
                {
                    LaunchTemplateId: "lt-bp1collect000001",
                    LaunchTemplateName: "t",
                    VersionNumber: 1,
                    DefaultVersion: false,
                    LaunchTemplateData: {},
                },
                {
                    LaunchTemplateId: "lt-bp1collect000001",
                    LaunchTemplateName: "t",
                    VersionNumber: 2,
                    DefaultVersion: true,
                    LaunchTemplateData: { SecurityGroupId: "sg-bp1collect00000002" },
                },
            ],
        },
        scalingConfigurations: [
            {
                region: "cn-qingdao",
                ScalingConfigurationId: "asc-m5ecollect000001",
                LifecycleState: "Active",
                SecurityGroupId: "sg-m5ecollect00000001",
            },
        ],
        // 21 container groups: two ECI pages of at most 20.
        containerGroups: Array.from({ length: 21 }, (_, n) => ({
            region: "cn-hangzhou",
            ContainerGroupId: `eci-bp1collect${String(n).padStart(6, "0")}`,
            ContainerGroupName: `job-${n}`,
            SecurityGroupId: "sg-bp1collect00000003",
            VSwitchId: "vsw-bp1collect000001",
            Tags: [{ Key: "owner", Value: "team-a" }],
        })),
        clusters: [
            { cluster_id: "c1collect0000000000000000000001", name: "prod", region_id: "cn-hangzhou" },
            { cluster_id: "c2collect0000000000000000000002", name: "edge", region_id: "cn-qingdao" },
        ],
        nodePools: {
            c1collect0000000000000000000001: [
                {
                    nodepool_info: { nodepool_id: "np1collect00000000000000000001", name: "default" },
                    scaling_group: {
                        security_group_ids: ["sg-bp1collect00000004"],
                        vswitch_ids: ["vsw-bp1collect000001"],
                    },
                },
            ],
            c2collect0000000000000000000002: [],
        },
    };
}

interface Collected {
    readonly code: number;
    readonly stderr: string;
    readonly stdout: string;
    readonly calls: [string, string, Record<string, string>][];
    readonly out: string;
}

const temporary: string[] = [];

function collect(args: string[], changes: Record<string, unknown> = {}): Promise<Collected> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "alicloud-sg-collect-test-"));
    temporary.push(dir);
    const log = path.join(dir, "calls.log");
    fs.writeFileSync(path.join(dir, "account.json"), JSON.stringify({ ...account(), ...changes }));
    const out = path.join(dir, "out");
    return new Promise((resolve) => {
        execFile(
            process.execPath,
            [SCRIPT, "--aliyun", FAKE, "--out", out, ...args],
            {
                env: {
                    ...process.env,
                    FAKE_ALIYUN_LOG: log,
                    FAKE_ALIYUN_ACCOUNT: path.join(dir, "account.json"),
                },
            },
            (err, stdout, stderr) => {
                const calls = fs.existsSync(log)
                    ? fs
                          .readFileSync(log, "utf8")
                          .trim()
                          .split("\n")
                          .map((line) => JSON.parse(line))
                    : [];
                resolve({ code: err ? Number(err.code) : 0, stdout, stderr, calls, out });
            },
        );
    });
}

describe("scripts/collect-aliyun.mjs", function () {
    this.timeout(600_000);
    after(() => temporary.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

    it("collects every region and every page with read calls only, and audit reads it back whole", async () => {
        const result = await collect(["--profile", "audit", "--concurrency", "8"]);
        assert.strictEqual(result.code, 0, result.stderr);
        const calls = result.calls.map(([product, api, params]) => {
            assert.strictEqual(params.profile, "audit");
            const { profile: _profile, region: _region, ...rest } = params;
            return `${product} ${api} ${JSON.stringify(rest)}`;
        });
        const hz = (api: string, params: Record<string, string> = {}) =>
            `ecs ${api} ${JSON.stringify({ RegionId: "cn-hangzhou", ...params })}`;
        const qd = (api: string, params: Record<string, string> = {}) =>
            `ecs ${api} ${JSON.stringify({ RegionId: "cn-qingdao", ...params })}`;
        const expected = [
            "ecs DescribeRegions {}",
            hz("DescribeSecurityGroups", { MaxResults: "100" }),
            hz("DescribeSecurityGroups", { MaxResults: "100", NextToken: "100" }),
            ...Array.from({ length: HANGZHOU_GROUPS }, (_, n) =>
                hz("DescribeSecurityGroupAttribute", {
                    SecurityGroupId: `sg-bp1collect${String(n).padStart(8, "0")}`,
                    MaxResults: "1000",
                }),
            ),
            hz("DescribeInstances", { MaxResults: "100" }),
            hz("DescribeInstances", { MaxResults: "100", NextToken: "100" }),
            hz("DescribeNetworkInterfaces", { MaxResults: "500" }),
            hz("DescribeLaunchTemplates", { PageNumber: "1", PageSize: "50" }),
            hz("DescribeLaunchTemplateVersions", {
                LaunchTemplateId: "lt-bp1collect000001",
                DefaultVersion: "true",
                DetailFlag: "true",
                PageNumber: "1",
                PageSize: "50",
            }),
            `ess DescribeScalingConfigurations ${JSON.stringify({ RegionId: "cn-hangzhou", PageNumber: "1", PageSize: "50" })}`,
            `eci DescribeContainerGroups ${JSON.stringify({ RegionId: "cn-hangzhou", Limit: "20" })}`,
            `eci DescribeContainerGroups ${JSON.stringify({ RegionId: "cn-hangzhou", Limit: "20", NextToken: "20" })}`,
            `cs GET ${JSON.stringify({ path: "/clusters" })}`,
            `cs GET ${JSON.stringify({ path: "/clusters/c1collect0000000000000000000001/nodepools" })}`,
            qd("DescribeSecurityGroups", { MaxResults: "100" }),
            qd("DescribeSecurityGroupAttribute", {
                SecurityGroupId: "sg-m5ecollect00000001",
                NicType: "internet",
                MaxResults: "1000",
            }),
            qd("DescribeSecurityGroupAttribute", {
                SecurityGroupId: "sg-m5ecollect00000001",
                NicType: "intranet",
                MaxResults: "1000",
            }),
            qd("DescribeInstances", { MaxResults: "100" }),
            qd("DescribeNetworkInterfaces", { MaxResults: "500" }),
            qd("DescribeLaunchTemplates", { PageNumber: "1", PageSize: "50" }),
            `ess DescribeScalingConfigurations ${JSON.stringify({ RegionId: "cn-qingdao", PageNumber: "1", PageSize: "50" })}`,
            `eci DescribeContainerGroups ${JSON.stringify({ RegionId: "cn-qingdao", Limit: "20" })}`,
            `cs GET ${JSON.stringify({ path: "/clusters" })}`,
            `cs GET ${JSON.stringify({ path: "/clusters/c2collect0000000000000000000002/nodepools" })}`,
        ];
        assert.deepStrictEqual([...calls].sort(), [...expected].sort());

        const loaded = loadAliyunDir(result.out);
        assert.strictEqual(loaded.stack, "cn-hangzhou,cn-qingdao");
        const count = (type: string) => loaded.resources.filter((r) => r.type === type).length;
        assert.deepStrictEqual(
            {
                groups: count("alicloud:ecs/securityGroup:SecurityGroup"),
                rules: count("alicloud:ecs/securityGroupRule:SecurityGroupRule"),
                instances: count("alicloud:ecs/instance:Instance"),
                enis: count("alicloud:ecs/ecsNetworkInterface:EcsNetworkInterface"),
                templates: count("alicloud:ecs/ecsLaunchTemplate:EcsLaunchTemplate"),
                scaling: count("alicloud:ess/scalingConfiguration:ScalingConfiguration"),
                containerGroups: count("alicloud:eci/containerGroup:ContainerGroup"),
                nodePools: count("alicloud:cs/nodePool:NodePool"),
            },
            {
                groups: HANGZHOU_GROUPS + 1,
                rules: 3,
                instances: 150,
                enis: 1,
                templates: 1,
                scaling: 1,
                containerGroups: 21,
                nodePools: 1,
            },
        );
        assert.deepStrictEqual(
            loaded.resources
                .filter((r) => r.urn.includes("sg-m5ecollect00000001/"))
                .map((r) => [r.urn.split("::").pop(), r.inputs.nicType]),
            [
                ["sg-m5ecollect00000001/sgr-m5ecollect0001", "internet"],
                ["sg-m5ecollect00000001/sgr-m5ecollect0002", "intranet"],
            ],
        );
        assert.strictEqual(
            result.stderr,
            "collect-aliyun: cn-hangzhou: 101 security groups\ncollect-aliyun: cn-qingdao: 1 security groups\n" +
                `collect-aliyun: done; audit with: alicloud-sg audit --aliyun ${result.out}\n`,
        );
    });

    it("collects only the regions asked for", async () => {
        const result = await collect(["--regions", "cn-qingdao"]);
        assert.strictEqual(result.code, 0, result.stderr);
        assert.deepStrictEqual(
            // RPC calls name the region as a parameter and a flag, RESTful (ACK) ones as the flag alone.
            [...new Set(result.calls.map(([, , params]) => params.RegionId ?? params.region))],
            ["cn-qingdao"],
        );
    });

    it("stops at a refused call, naming it", async () => {
        const result = await collect(["--regions", "cn-qingdao"], { failOn: "DescribeInstances" });
        assert.strictEqual(result.code, 1);
        assert.match(
            result.stderr,
            /^collect-aliyun: aliyun ecs DescribeInstances --RegionId cn-qingdao --MaxResults 100 --region cn-qingdao failed: ERROR: SDK.ServerError\nErrorCode: Forbidden.RAM\n/,
        );
    });

    it("stops when ACK's cluster list is not a list, rather than leave every node pool out", async () => {
        const result = await collect(["--regions", "cn-qingdao"], { clusters: { clusters: [] } });
        assert.strictEqual(result.code, 1);
        assert.strictEqual(
            result.stderr,
            "collect-aliyun: aliyun cs GET /clusters --region cn-qingdao printed something other than a list of clusters\n",
        );
    });

    it("prints the RAM policy of exactly the calls it makes", async () => {
        const result = await collect(["--print-ram-policy"]);
        assert.strictEqual(result.code, 0, result.stderr);
        assert.deepStrictEqual(JSON.parse(result.stdout), {
            Version: "1",
            Statement: [
                {
                    Effect: "Allow",
                    Action: [
                        "ecs:DescribeRegions",
                        "ecs:DescribeSecurityGroups",
                        "ecs:DescribeSecurityGroupAttribute",
                        "ecs:DescribeInstances",
                        "ecs:DescribeNetworkInterfaces",
                        "ecs:DescribeLaunchTemplates",
                        "ecs:DescribeLaunchTemplateVersions",
                        "ess:DescribeScalingConfigurations",
                        "eci:DescribeContainerGroups",
                        "cs:DescribeClusters",
                        "cs:DescribeClusterNodePools",
                    ],
                    Resource: "*",
                },
            ],
        });
        assert.deepStrictEqual(result.calls, []);
        // The README lists the same policy for whoever sets up the account.
        const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
        const audit = readme.slice(
            readme.indexOf("<!-- section:audit -->"),
            readme.indexOf("<!-- /section:audit -->"),
        );
        const block = /```json\n([\s\S]*?)```/.exec(audit);
        assert.ok(block, "no RAM policy in the README's audit section");
        assert.deepStrictEqual(JSON.parse(block[1]), JSON.parse(result.stdout));
    });
});
