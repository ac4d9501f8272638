import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/**
 * A `pulumi stack export` of a small deployed program, written by hand as the CLI writes one (version 3,
 * `apitype.DeploymentV3`): the root stack, the default alicloud provider whose credentials are secrets, a group
 * with a secret tag shown in plaintext (`--show-secrets`), rules with the bridge's `__defaults`, an instance, a
 * group read with `SecurityGroup.get`, and a rule pending deletion. Every value a deployment fills is filled.
 */
export const STACK = "urn:pulumi:prod::shop::pulumi:pulumi:Stack::shop-prod";
export const PROVIDER = "urn:pulumi:prod::shop::pulumi:providers:alicloud::default_3_108_0";
export const GROUP = "urn:pulumi:prod::shop::alicloud:ecs/securityGroup:SecurityGroup::web";
export const SSH = "urn:pulumi:prod::shop::alicloud:ecs/securityGroupRule:SecurityGroupRule::web-ssh";
export const HTTPS = "urn:pulumi:prod::shop::alicloud:ecs/securityGroupRule:SecurityGroupRule::web-https";
const OLD = "urn:pulumi:prod::shop::alicloud:ecs/securityGroupRule:SecurityGroupRule::web-rdp";
export const SHARED = "urn:pulumi:prod::shop::alicloud:ecs/securityGroup:SecurityGroup::shared";
export const INSTANCE = "urn:pulumi:prod::shop::alicloud:ecs/instance:Instance::web-1";

/** Secret values the export holds; none may ever be printed. */
export const PLAINTEXT_SECRET = "cost-center-4711-confidential";
export const ACCESS_KEY_CIPHERTEXT = "v1:KQbbE0vI7n3HkMGu:n0Qd9pGJwAGlmvvtM0hXo6U5LrPCi3E3fQ==";
export const SECRET_KEY_PLAINTEXT = "LTAI5tQz8wExampleSecretKey0001";

const SIG = "4dabf18193072939515e22adb298388d";
const SECRET = "1b47061264138c4ac30d75fd1eb44270";
const PROVIDER_REF = `${PROVIDER}::7c8b5e1a-3f2d-4b6a-9e0c-1d2f3a4b5c6d`;

export function shopExport(version = 3): Record<string, unknown> {
    return {
        version,
        ...(version >= 4 ? { features: ["refreshBeforeUpdate"] } : {}),
        deployment: {
            manifest: { time: "2026-02-03T10:11:12.131415+08:00", magic: "4c0b5e...", version: "v3.204.0" },
            secrets_providers: {
                type: "passphrase",
                state: { salt: "v1:zhz2uFD8bAk=:v1:AUv5gJ0PsDaGQ4mL:9xvK" },
            },
            resources: [
                {
                    urn: STACK,
                    custom: false,
                    type: "pulumi:pulumi:Stack",
                    outputs: { webGroupId: "sg-bp1shopweb000000001" },
                },
                {
                    urn: PROVIDER,
                    custom: true,
                    id: "7c8b5e1a-3f2d-4b6a-9e0c-1d2f3a4b5c6d",
                    type: "pulumi:providers:alicloud",
                    inputs: {
                        __internal: {},
                        accessKey: { [SIG]: SECRET, ciphertext: ACCESS_KEY_CIPHERTEXT },
                        secretKey: { [SIG]: SECRET, plaintext: JSON.stringify(SECRET_KEY_PLAINTEXT) },
                        region: "cn-hangzhou",
                        version: "3.108.0",
                    },
                    outputs: { region: "cn-hangzhou", version: "3.108.0" },
                },
                {
                    urn: GROUP,
                    custom: true,
                    id: "sg-bp1shopweb000000001",
                    type: "alicloud:ecs/securityGroup:SecurityGroup",
                    inputs: {
                        __defaults: ["innerAccessPolicy"],
                        description: "Web servers",
                        securityGroupName: "web",
                        tags: {
                            owner: "team-web",
                            costCenter: { [SIG]: SECRET, plaintext: JSON.stringify(PLAINTEXT_SECRET) },
                        },
                        vpcId: "vpc-bp1shop0000000001",
                    },
                    outputs: {
                        __meta: '{"schema_version":"1"}',
                        description: "Web servers",
                        id: "sg-bp1shopweb000000001",
                        innerAccess: true,
                        innerAccessPolicy: "Accept",
                        name: "web",
                        resourceGroupId: "rg-acfm2pz25js****",
                        securityGroupName: "web",
                        securityGroupType: "normal",
                        tags: {
                            owner: "team-web",
                            costCenter: { [SIG]: SECRET, plaintext: JSON.stringify(PLAINTEXT_SECRET) },
                        },
                        vpcId: "vpc-bp1shop0000000001",
                    },
                    parent: STACK,
                    provider: PROVIDER_REF,
                    propertyDependencies: { description: [], securityGroupName: [], tags: [], vpcId: [] },
                    sourcePosition: "project:///index.ts#14,19",
                    created: "2025-06-01T08:00:00.000Z",
                    modified: "2025-06-01T08:00:00.000Z",
                },
                {
                    urn: HTTPS,
                    custom: true,
                    id: "sg-bp1shopweb000000001:ingress:tcp:443/443:intranet:0.0.0.0/0:accept:1",
                    type: "alicloud:ecs/securityGroupRule:SecurityGroupRule",
                    // Provider defaults are in the inputs once Check has run; `__defaults` says which.
                    inputs: {
                        __defaults: ["nicType"],
                        cidrIp: "0.0.0.0/0",
                        ipProtocol: "tcp",
                        nicType: "intranet",
                        policy: "accept",
                        portRange: "443/443",
                        priority: 1,
                        securityGroupId: "sg-bp1shopweb000000001",
                        type: "ingress",
                    },
                    outputs: {
                        cidrIp: "0.0.0.0/0",
                        id: "sg-bp1shopweb000000001:ingress:tcp:443/443:intranet:0.0.0.0/0:accept:1",
                        ipProtocol: "tcp",
                        ipv6CidrIp: "",
                        nicType: "intranet",
                        policy: "accept",
                        portRange: "443/443",
                        prefixListId: "",
                        priority: 1,
                        securityGroupId: "sg-bp1shopweb000000001",
                        securityGroupRuleId: "sgr-bp1shophttps00001",
                        sourceSecurityGroupId: "",
                        type: "ingress",
                    },
                    parent: STACK,
                    dependencies: [GROUP],
                    provider: PROVIDER_REF,
                    propertyDependencies: { securityGroupId: [GROUP] },
                    sourcePosition: "project:///index.ts#22,1",
                },
                {
                    urn: SSH,
                    custom: true,
                    id: "sg-bp1shopweb000000001:ingress:tcp:22/22:intranet:0.0.0.0/0:accept:1",
                    type: "alicloud:ecs/securityGroupRule:SecurityGroupRule",
                    inputs: {
                        __defaults: ["nicType", "policy", "priority"],
                        cidrIp: "0.0.0.0/0",
                        ipProtocol: "tcp",
                        nicType: "intranet",
                        policy: "accept",
                        portRange: "22/22",
                        priority: 1,
                        securityGroupId: "sg-bp1shopweb000000001",
                        type: "ingress",
                    },
                    outputs: {
                        cidrIp: "0.0.0.0/0",
                        id: "sg-bp1shopweb000000001:ingress:tcp:22/22:intranet:0.0.0.0/0:accept:1",
                        ipProtocol: "tcp",
                        nicType: "intranet",
                        policy: "accept",
                        portRange: "22/22",
                        priority: 1,
                        securityGroupId: "sg-bp1shopweb000000001",
                        securityGroupRuleId: "sgr-bp1shopssh0000002",
                        type: "ingress",
                    },
                    parent: STACK,
                    dependencies: [GROUP],
                    provider: PROVIDER_REF,
                    propertyDependencies: { securityGroupId: [GROUP] },
                    sourcePosition: "project:///index.ts#31,1",
                },
                {
                    urn: OLD,
                    custom: true,
                    delete: true,
                    id: "sg-bp1shopweb000000001:ingress:tcp:3389/3389:intranet:0.0.0.0/0:accept:1",
                    type: "alicloud:ecs/securityGroupRule:SecurityGroupRule",
                    inputs: {
                        cidrIp: "0.0.0.0/0",
                        ipProtocol: "tcp",
                        portRange: "3389/3389",
                        securityGroupId: "sg-bp1shopweb000000001",
                        type: "ingress",
                    },
                    outputs: {
                        cidrIp: "0.0.0.0/0",
                        ipProtocol: "tcp",
                        portRange: "3389/3389",
                        securityGroupId: "sg-bp1shopweb000000001",
                        type: "ingress",
                    },
                    parent: STACK,
                    provider: PROVIDER_REF,
                },
                {
                    urn: SHARED,
                    custom: true,
                    external: true,
                    id: "sg-bp1shared000000001",
                    type: "alicloud:ecs/securityGroup:SecurityGroup",
                    // A read records the inputs the provider's Read extracted.
                    inputs: {
                        innerAccessPolicy: "Drop",
                        securityGroupName: "shared",
                        description: "Shared services",
                        tags: { owner: "platform" },
                        vpcId: "vpc-bp1shop0000000001",
                    },
                    outputs: {
                        id: "sg-bp1shared000000001",
                        innerAccessPolicy: "Drop",
                        securityGroupName: "shared",
                        description: "Shared services",
                        tags: { owner: "platform" },
                        vpcId: "vpc-bp1shop0000000001",
                    },
                    parent: STACK,
                    provider: PROVIDER_REF,
                },
                {
                    urn: INSTANCE,
                    custom: true,
                    id: "i-bp1shopweb000000001",
                    type: "alicloud:ecs/instance:Instance",
                    inputs: {
                        __defaults: [],
                        imageId: "aliyun_3_x64_20G_alibase_20240819.vhd",
                        instanceName: "web-1",
                        instanceType: "ecs.g7.large",
                        securityGroups: ["sg-bp1shopweb000000001"],
                        vswitchId: "vsw-bp1shop000000001",
                        internetMaxBandwidthOut: {
                            [SIG]: "8ad145fe-0d11-4827-bfd7-1abcbf086f5c",
                            value: "4024000000000000",
                        },
                        userData: {
                            [SIG]: "803fd3297a5875dc03ca845dda5d2a98",
                            value: Buffer.from("#!/bin/sh\n").toString("base64"),
                        },
                    },
                    outputs: {
                        id: "i-bp1shopweb000000001",
                        instanceName: "web-1",
                        securityGroups: ["sg-bp1shopweb000000001"],
                        status: "Running",
                        vswitchId: "vsw-bp1shop000000001",
                    },
                    parent: STACK,
                    dependencies: [GROUP],
                    provider: PROVIDER_REF,
                    propertyDependencies: { securityGroups: [GROUP], vswitchId: [] },
                    sourcePosition: "project:///index.ts#40,18",
                },
            ],
        },
    };
}

const temporary: string[] = [];

/** Writes `doc` (or text) into a fresh temporary directory, removed by {@link removeTemps}; returns the file. */
export function writeTemp(name: string, doc: unknown): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "alicloud-sg-audit-test-"));
    temporary.push(dir);
    const file = path.join(dir, name);
    fs.writeFileSync(file, typeof doc === "string" ? doc : JSON.stringify(doc, null, 2));
    return file;
}

export function removeTemps(): void {
    for (const dir of temporary.splice(0)) {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
