#!/usr/bin/env node
// A stand-in for the aliyun CLI: answers the read calls the collection script makes from an account described
// in $FAKE_ALIYUN_ACCOUNT (JSON), pages as the API pages (NextToken with MaxResults, or PageNumber with
// PageSize, within each API's limits), and appends every call to $FAKE_ALIYUN_LOG. Fails a call the API would
// refuse, as the CLI does: a message on stderr and exit code 1.
"use strict";
const fs = require("fs");

const [product, api, ...rest] = process.argv.slice(2);
// A RESTful call names its path after the method: `aliyun cs GET /clusters --region cn-hangzhou`.
const restPath = api === "GET" ? rest.shift() : undefined;
const params = restPath === undefined ? {} : { path: restPath };
for (let i = 0; i < rest.length; i += 2) {
    params[rest[i].replace(/^--/, "")] = rest[i + 1];
}
fs.appendFileSync(process.env.FAKE_ALIYUN_LOG, JSON.stringify([product, api, params]) + "\n");
const account = JSON.parse(fs.readFileSync(process.env.FAKE_ALIYUN_ACCOUNT, "utf8"));

function fail(code, message) {
    process.stderr.write(`ERROR: SDK.ServerError\nErrorCode: ${code}\nMessage: ${message}\n`);
    process.exit(1);
}

if (account.failOn === api) {
    fail("Forbidden.RAM", "User not authorized to operate on the specified resource.");
}
const region = params.RegionId;
if (api === "GET") {
    if (!params.region) {
        fail("MissingParameter", "a RESTful call needs --region");
    }
} else if (api !== "DescribeRegions" && (!region || params.region !== region)) {
    fail("MissingParameter", "RegionId and --region must name the same region");
}
/** The account's items of the region asked for, as the API lists them (without the test's region tag). */
const inRegion = (list) =>
    (list ?? [])
        .filter((item) => item.region === region)
        .map((item) => {
            const copy = { ...item };
            delete copy.region;
            return copy;
        });

/** NextToken paging: the token is the offset of the next page. */
function byToken(list, outer, inner, max) {
    const size = Number(params.MaxResults);
    if (!(size >= 10 && size <= max)) {
        fail("InvalidParameter.MaxResults", `MaxResults must be 10-${max} (got ${params.MaxResults})`);
    }
    const start = Number(params.NextToken ?? 0);
    const page = list.slice(start, start + size);
    const next = start + size < list.length ? String(start + size) : "";
    return { RequestId: `req-${api}-${start}`, NextToken: next, [outer]: { [inner]: page } };
}

function byPage(list, outer, inner, max) {
    const size = Number(params.PageSize);
    const number = Number(params.PageNumber);
    if (!(size >= 1 && size <= max) || !(number >= 1)) {
        fail("InvalidParameter", `PageSize must be 1-${max} and PageNumber at least 1`);
    }
    return {
        RequestId: `req-${api}-${number}`,
        PageNumber: number,
        PageSize: size,
        TotalCount: list.length,
        [outer]: { [inner]: list.slice((number - 1) * size, number * size) },
    };
}

let response;
switch (`${product} ${api}`) {
    case "ecs DescribeRegions":
        response = {
            RequestId: "req-regions",
            Regions: { Region: account.regions.map((id) => ({ RegionId: id, LocalName: id })) },
        };
        break;
    case "ecs DescribeSecurityGroups":
        response = {
            RegionId: region,
            ...byToken(inRegion(account.groups), "SecurityGroups", "SecurityGroup", 100),
        };
        break;
    case "ecs DescribeSecurityGroupAttribute": {
        const group = account.groups.find((g) => g.SecurityGroupId === params.SecurityGroupId);
        if (!group) {
            fail("InvalidSecurityGroupId.NotFound", `${params.SecurityGroupId} not found`);
        }
        // A classic group's rules are listed one NIC type per call (internet by default); a VPC group's, intranet.
        const nicType = group.VpcId ? "intranet" : (params.NicType ?? "internet");
        const rules = (account.permissions[group.SecurityGroupId] ?? []).filter((p) => p.NicType === nicType);
        const page = byToken(rules, "Permissions", "Permission", 1000);
        response = {
            ...page,
            RegionId: region,
            SecurityGroupId: group.SecurityGroupId,
            SecurityGroupName: group.SecurityGroupName,
            VpcId: group.VpcId,
            InnerAccessPolicy: "Drop",
        };
        break;
    }
    case "ecs DescribeInstances":
        response = byToken(inRegion(account.instances), "Instances", "Instance", 100);
        break;
    case "ecs DescribeNetworkInterfaces":
        response = byToken(inRegion(account.enis), "NetworkInterfaceSets", "NetworkInterfaceSet", 500);
        break;
    case "ecs DescribeLaunchTemplates":
        response = byPage(inRegion(account.templates), "LaunchTemplateSets", "LaunchTemplateSet", 50);
        break;
    case "ecs DescribeLaunchTemplateVersions": {
        if (params.DetailFlag !== "true" || params.DefaultVersion !== "true") {
            fail("InvalidParameter", "the script asks for default versions with their data");
        }
        const versions = (account.versions[params.LaunchTemplateId] ?? []).filter((v) => v.DefaultVersion);
        response = byPage(versions, "LaunchTemplateVersionSets", "LaunchTemplateVersionSet", 50);
        break;
    }
    case "ess DescribeScalingConfigurations":
        response = byPage(
            inRegion(account.scalingConfigurations),
            "ScalingConfigurations",
            "ScalingConfiguration",
            50,
        );
        break;
    case "eci DescribeContainerGroups": {
        // ECI pages with Limit (1-20) and NextToken, and lists container groups as a bare array.
        const size = Number(params.Limit);
        if (!(size >= 1 && size <= 20)) {
            fail("InvalidParameter.Limit", `Limit must be 1-20 (got ${params.Limit})`);
        }
        const list = inRegion(account.containerGroups);
        const start = Number(params.NextToken ?? 0);
        response = {
            RequestId: `req-eci-${start}`,
            TotalCount: list.length,
            NextToken: start + size < list.length ? String(start + size) : "",
            ContainerGroups: list.slice(start, start + size),
        };
        break;
    }
    case "cs GET": {
        // DescribeClusters lists the account's clusters of every region as one bare array.
        const pools = /^\/clusters\/([^/]+)\/nodepools$/.exec(params.path);
        if (params.path === "/clusters") {
            response = account.clusters ?? [];
        } else if (pools && (account.clusters ?? []).some((c) => c.cluster_id === pools[1])) {
            response = { nodepools: (account.nodePools ?? {})[pools[1]] ?? [] };
        } else {
            fail("ErrorClusterNotFound", `${params.path} not found`);
        }
        break;
    }
    default:
        fail("InvalidAction.NotFound", `${product} ${api} is not a call the collection script should make`);
}
process.stdout.write(JSON.stringify(response, null, 2) + "\n");
