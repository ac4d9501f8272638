import * as fs from "fs";
import * as path from "path";

/**
 * A synthetic Alibaba Cloud account, written as the `aliyun` CLI prints it, in the layout the collection script
 * writes (`<region>/<Action>[.<id>].<page>.json`): security groups of ten rules each (a drop baseline, HTTPS from
 * the Internet on web groups, SSH from an office /32, source-group and CIDR accepts, drops at spread priorities,
 * an egress rule), spelt as the API spells them (`Accept`, `TCP`, priorities as strings), and instances joined
 * to one to three groups each. Every 50th group opens SSH to the Internet, so the pack has findings to report.
 */
export interface AccountShape {
    readonly groups: number;
    readonly rulesPerGroup: number;
    readonly instances: number;
}

export const DEFAULT_ACCOUNT: AccountShape = { groups: 5000, rulesPerGroup: 10, instances: 20000 };

/** The account's shape scaled to `groups` groups (`--account-groups`): ten rules each, four instances per group. */
export function accountOfGroups(groups: number): AccountShape {
    return { groups, rulesPerGroup: DEFAULT_ACCOUNT.rulesPerGroup, instances: 4 * groups };
}

const REGIONS = ["cn-hangzhou", "cn-shanghai", "cn-beijing", "ap-southeast-1"];
const PAGE_SIZE = 100;

const pad = (n: number, width = 12): string => String(n).padStart(width, "0");
const groupId = (n: number): string => `sg-bench${pad(n)}`;
const regionOf = (group: number): string => REGIONS[group % REGIONS.length];
const roles = ["web", "app", "db"] as const;

function permission(group: number, index: number, groups: number): Record<string, unknown> {
    const role = roles[group % roles.length];
    const base = {
        SecurityGroupRuleId: `sgr-bench${pad(group)}${String(index).padStart(2, "0")}`,
        Direction: "ingress",
        NicType: "intranet",
        CreateTime: "2024-01-01T00:00:00Z",
        Description: `rule ${index}`,
    };
    const priority = String(1 + ((group * 7 + index * 13) % 90));
    switch (index) {
        case 0:
            return {
                ...base,
                IpProtocol: "ALL",
                PortRange: "-1/-1",
                SourceCidrIp: "0.0.0.0/0",
                Policy: "Drop",
                Priority: "100",
            };
        case 1:
            return role === "web"
                ? {
                      ...base,
                      IpProtocol: "TCP",
                      PortRange: "443/443",
                      SourceCidrIp: "0.0.0.0/0",
                      Policy: "Accept",
                      Priority: priority,
                  }
                : {
                      ...base,
                      IpProtocol: "TCP",
                      PortRange: "8080/8080",
                      SourceGroupId: groupId(group - 1),
                      Policy: "Accept",
                      Priority: priority,
                  };
        case 2:
            return {
                ...base,
                IpProtocol: "TCP",
                PortRange: "22/22",
                SourceCidrIp: group % 50 === 0 ? "0.0.0.0/0" : "203.0.113.10/32",
                Policy: "Accept",
                Priority: "1",
            };
        case 3:
            return {
                ...base,
                IpProtocol: "TCP",
                PortRange: "3306/3306",
                SourceGroupId: groupId((group + 3) % groups),
                Policy: "Accept",
                Priority: priority,
            };
        case 4:
            return {
                ...base,
                IpProtocol: "TCP",
                PortRange: "6379/6379",
                SourceCidrIp: `10.${group % 250}.0.0/16`,
                Policy: "Accept",
                Priority: priority,
            };
        case 5:
            return {
                ...base,
                IpProtocol: "UDP",
                PortRange: "53/53",
                SourceCidrIp: "10.0.0.0/16",
                Policy: "Accept",
                Priority: priority,
            };
        case 6:
            return {
                ...base,
                IpProtocol: "TCP",
                PortRange: "1/1024",
                SourceCidrIp: "0.0.0.0/0",
                Policy: "Drop",
                Priority: "2",
            };
        case 7:
            return {
                ...base,
                IpProtocol: "ICMP",
                PortRange: "-1/-1",
                SourceCidrIp: "10.0.0.0/16",
                Policy: "Accept",
                Priority: priority,
            };
        case 8:
            return {
                ...base,
                IpProtocol: "TCP",
                PortRange: "9000/9100",
                SourcePrefixListId: "pl-benchmonitoring",
                Policy: "Accept",
                Priority: priority,
            };
        default:
            return {
                ...base,
                Direction: "egress",
                IpProtocol: "TCP",
                PortRange: "443/443",
                DestCidrIp: "0.0.0.0/0",
                Policy: "Accept",
                Priority: "1",
            };
    }
}

function write(file: string, doc: unknown): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(doc));
}

/** Writes the account into `dir`; returns how many groups, rules and instances it holds. */
export function writeAccount(dir: string, shape: AccountShape = DEFAULT_ACCOUNT): AccountShape {
    for (const region of REGIONS) {
        const groups = Array.from({ length: shape.groups }, (_, n) => n).filter(
            (n) => regionOf(n) === region,
        );
        for (let page = 0; page * PAGE_SIZE < groups.length; page++) {
            write(path.join(dir, region, `DescribeSecurityGroups.${page + 1}.json`), {
                RequestId: `bench-${region}-${page}`,
                RegionId: region,
                NextToken: (page + 1) * PAGE_SIZE < groups.length ? `token-${page + 1}` : "",
                SecurityGroups: {
                    SecurityGroup: groups.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE).map((n) => ({
                        SecurityGroupId: groupId(n),
                        SecurityGroupName: `${roles[n % roles.length]}-${n}`,
                        Description: `${roles[n % roles.length]} servers, team ${n % 40}`,
                        SecurityGroupType: "normal",
                        VpcId: `vpc-bench${region}`,
                        Tags: { Tag: [{ TagKey: "team", TagValue: `team-${n % 40}` }] },
                    })),
                },
            });
        }
        for (const n of groups) {
            write(path.join(dir, region, `DescribeSecurityGroupAttribute.${groupId(n)}.json`), {
                RequestId: `bench-${n}`,
                RegionId: region,
                SecurityGroupId: groupId(n),
                SecurityGroupName: `${roles[n % roles.length]}-${n}`,
                VpcId: `vpc-bench${region}`,
                InnerAccessPolicy: "Drop",
                Permissions: {
                    Permission: Array.from({ length: shape.rulesPerGroup }, (_, i) =>
                        permission(n, i, shape.groups),
                    ),
                },
            });
        }
        const instances = Array.from({ length: shape.instances }, (_, i) => i).filter(
            (i) => regionOf(i % shape.groups) === region,
        );
        for (let page = 0; page * PAGE_SIZE < instances.length; page++) {
            write(path.join(dir, region, `DescribeInstances.${page + 1}.json`), {
                RequestId: `bench-i-${region}-${page}`,
                NextToken: (page + 1) * PAGE_SIZE < instances.length ? `token-${page + 1}` : "",
                Instances: {
                    Instance: instances.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE).map((i) => {
                        const first = i % shape.groups;
                        // Groups of the same region: every REGIONS.length-th group.
                        const joined = [first, first + REGIONS.length, first + 2 * REGIONS.length]
                            .slice(0, 1 + (i % 3))
                            .filter((g) => g < shape.groups);
                        return {
                            InstanceId: `i-bench${pad(i)}`,
                            InstanceName: `node-${i}`,
                            RegionId: region,
                            ZoneId: `${region}-a`,
                            InstanceType: "ecs.g7.large",
                            Status: "Running",
                            InstanceNetworkType: "vpc",
                            SecurityGroupIds: { SecurityGroupId: joined.map(groupId) },
                            VpcAttributes: { VpcId: `vpc-bench${region}`, VSwitchId: `vsw-bench${region}` },
                        };
                    }),
                },
            });
        }
    }
    return shape;
}
