import * as alicloud from "@pulumi/alicloud";
import * as pulumi from "@pulumi/pulumi";
import {
    joinSecurityGroups,
    RedisGroupFromSource,
    SecureGroup,
    ServiceGroupFromSource,
    WebTierGroup,
} from "alicloud-secure-groups";

const config = new pulumi.Config();
const zoneId = config.get("zoneId") ?? "cn-hangzhou-i";
const instanceType = config.get("instanceType") ?? "ecs.g7.large";
const imageId = config.get("imageId") ?? "aliyun_3_x64_20G_alibase_20240819.vhd";
// One office address, not a block: the bastion is the only thing that faces administrators directly.
const adminCidr = config.get("adminCidr") ?? "203.0.113.10/32";
const tags = { owner: config.get("owner") ?? "team-shop", project: pulumi.getProject() };

const vpc = new alicloud.vpc.Network("vpc", { vpcName: "three-tier", cidrBlock: "10.0.0.0/16", tags });
const vswitch = new alicloud.vpc.Switch("vswitch", {
    vpcId: vpc.id,
    cidrBlock: "10.0.1.0/24",
    zoneId,
    vswitchName: "three-tier",
    tags,
});

// The bastion admits SSH from the office address only; every other tier admits SSH from the bastion group.
const bastion = new SecureGroup("bastion", {
    vpcId: vpc.id,
    tags,
    tier: "bastion",
    ingress: { "ssh-from-office": { preset: "ssh", cidr: adminCidr } },
});

const web = new WebTierGroup("web", { vpcId: vpc.id, tags, adminAccess: { from: [bastion] } });

// The application listens on 8080 for the web tier only.
const app = new SecureGroup("app", {
    vpcId: vpc.id,
    tags,
    tier: "app",
    ingress: {
        "http-from-web": {
            protocol: "tcp",
            ports: 8080,
            source: web,
            description: "Allow the app port from the web tier",
        },
        "ssh-from-bastion": { preset: "ssh", source: bastion },
    },
});

const mysql = new ServiceGroupFromSource("mysql", { vpcId: vpc.id, tags, service: "mysql", sources: [app] });
const redis = new RedisGroupFromSource("redis", { vpcId: vpc.id, tags, sources: [app] });
// Database and cache hosts are administered from the bastion too, through a group of their own.
const dataAdmin = new SecureGroup("data-admin", {
    vpcId: vpc.id,
    tags,
    tier: "data",
    ingress: { "ssh-from-bastion": { preset: "ssh", source: bastion } },
});

function server(name: string, groups: Parameters<typeof joinSecurityGroups>[0], publicIp = false) {
    return new alicloud.ecs.Instance(name, {
        instanceName: name,
        instanceType,
        imageId,
        vswitchId: vswitch.id,
        securityGroups: joinSecurityGroups(groups),
        ...(publicIp ? { internetMaxBandwidthOut: 10 } : {}),
        tags,
    });
}

const bastionHost = server("bastion-1", [bastion], true);
const webHost = server("web-1", [web], true);
server("app-1", [app]);
server("mysql-1", [mysql, dataAdmin]);
server("redis-1", [redis, dataAdmin]);

export const bastionPublicIp = bastionHost.publicIp;
export const webPublicIp = webHost.publicIp;
export const securityGroupIds = {
    bastion: bastion.securityGroupId,
    web: web.securityGroupId,
    app: app.securityGroupId,
    mysql: mysql.securityGroupId,
    redis: redis.securityGroupId,
};
