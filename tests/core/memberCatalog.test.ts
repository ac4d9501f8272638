import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import {
    EXCLUDED_FIELDS,
    MEMBER_TYPES,
    memberTypeOf,
    modelledPaths,
    NETWORK_CARRIERS,
    NetworkSpec,
} from "../../core/members/catalog";
import { PROVIDER_GROUP_FIELDS, PROVIDER_VERSION } from "../../core/members/providerFields";
import {
    installedProviderVersion,
    PROVIDER_FIELDS_FILE,
    renderProviderFields,
    scanInputPaths,
    scanProvider,
} from "../../scripts/member-catalog";

/**
 * The member catalog against the provider's own declarations: the committed list of group fields is what the
 * installed @pulumi/alicloud declares, and every one of them is either modelled or excluded with a reason. A
 * provider upgrade that adds a field naming security groups fails here, naming the field.
 */
describe("core/members: the member catalog against @pulumi/alicloud's declarations", function () {
    // Parsing the provider's declarations takes about a second alone, much longer on a loaded machine.
    this.timeout(300_000);
    let scanned: ReturnType<typeof scanProvider>;
    before(() => {
        scanned = scanProvider();
    });

    const key = (field: { type: string; path: string }) => `${field.type} ${field.path}`;

    it("commits the list the installed provider declares (npm run docs:members regenerates it)", async () => {
        assert.equal(PROVIDER_VERSION, installedProviderVersion());
        assert.deepEqual(scanned, PROVIDER_GROUP_FIELDS);
        assert.equal(
            fs.readFileSync(PROVIDER_FIELDS_FILE, "utf8"),
            await renderProviderFields(installedProviderVersion(), scanned),
            "core/members/providerFields.ts is stale: run npm run docs:members",
        );
    });

    it("finds the fields a reader would look for first, nested ones included", () => {
        const found = new Set(scanned.map(key));
        for (const expected of [
            "alicloud:ecs/instance:Instance securityGroups",
            "alicloud:ecs/instance:Instance networkInterfaces.securityGroupIds",
            "alicloud:ecs/ecsLaunchTemplate:EcsLaunchTemplate networkInterfaces.securityGroupId",
            "alicloud:ecs/launchTemplate:LaunchTemplate securityGroupIds",
            "alicloud:ess/scalingConfiguration:ScalingConfiguration networkInterfaces[].securityGroupIds",
            "alicloud:cs/nodePool:NodePool securityGroupIds",
            "alicloud:eci/containerGroup:ContainerGroup securityGroupId",
            "alicloud:ess/eciScalingConfiguration:EciScalingConfiguration securityGroupId",
            "alicloud:kvstore/instance:Instance securityGroupId",
            "alicloud:alb/loadBalancerSecurityGroupAttachment:LoadBalancerSecurityGroupAttachment securityGroupId",
            "alicloud:emrv2/cluster:Cluster nodeGroups[].additionalSecurityGroupIds",
            "alicloud:ecs/securityGroupRule:SecurityGroupRule securityGroupId",
        ]) {
            assert.ok(found.has(expected), `${expected} is missing from the scan`);
        }
        // Data sources (getSecurityGroups) and output-only fields are not inputs of a resource.
        assert.ok(!scanned.some((field) => /\/get[A-Z]/.test(field.type)));
    });

    it("models or excludes, with a written reason, every field that names security groups", () => {
        const unaccounted: string[] = [];
        const twice: string[] = [];
        for (const field of scanned) {
            const entry = memberTypeOf(field.type);
            const modelled = entry !== undefined && modelledPaths(entry).includes(field.path);
            const excluded = EXCLUDED_FIELDS.find((e) => e.type === field.type && e.path === field.path);
            if (!modelled && !excluded) {
                unaccounted.push(`${field.className}.${field.path} (${field.doc})`);
            }
            if (modelled && excluded) {
                twice.push(key(field));
            }
        }
        assert.deepEqual(
            unaccounted,
            [],
            `model these fields in core/members/catalog.ts or exclude them with a reason:\n  ${unaccounted.join("\n  ")}`,
        );
        assert.deepEqual(twice, [], "modelled and excluded at once");
        for (const excluded of EXCLUDED_FIELDS) {
            assert.match(excluded.reason, /^\S.{20,}$/, `${key(excluded)} needs a reason of its own`);
        }
    });

    it("names no field, type or exclusion the provider does not have", () => {
        const provided = new Set(scanned.map(key));
        const stale = [
            ...MEMBER_TYPES.flatMap((entry) => modelledPaths(entry).map((path) => `${entry.type} ${path}`)),
            ...EXCLUDED_FIELDS.map(key),
        ].filter((entry) => !provided.has(entry));
        assert.deepEqual(stale, []);
        assert.equal(
            new Set(MEMBER_TYPES.map((entry) => entry.type)).size,
            MEMBER_TYPES.length,
            "one entry per type",
        );
        for (const entry of MEMBER_TYPES) {
            const className = scanned.find((field) => field.type === entry.type)?.className;
            assert.equal(entry.className, `alicloud.${className}`, entry.type);
        }
    });

    it("reads networks, per-interface lists and attached members only from inputs the provider declares", () => {
        const specs: [string, NetworkSpec | undefined][] = [
            ...MEMBER_TYPES.map((entry): [string, NetworkSpec | undefined] => [entry.type, entry.network]),
            ...Object.entries(NETWORK_CARRIERS),
        ];
        const inputs = scanInputPaths(new Set(specs.map(([type]) => type)));
        const missing: string[] = [];
        for (const [type, spec] of specs) {
            const paths = inputs.get(type) ?? new Set<string>();
            const leaves = [
                ...(spec?.vpc ?? []),
                ...(spec?.vswitch ?? []),
                ...(spec?.via ?? []),
                ...(spec?.networkType ? [spec.networkType] : []),
                ...(spec?.classicWithout ?? []),
                ...(memberTypeOf(type)?.memberOf ? [memberTypeOf(type)?.memberOf as string] : []),
            ];
            missing.push(...leaves.filter((path) => !paths.has(path)).map((path) => `${type} ${path}`));
            for (const attachment of memberTypeOf(type)?.attachments ?? []) {
                const per = attachment.per;
                if (per !== undefined && ![...paths].some((path) => path.startsWith(`${per}.`))) {
                    missing.push(`${type} ${per} (per interface)`);
                }
            }
        }
        assert.deepEqual(missing, []);
    });

    it("gives every whitelist a service limit and no network rule, and every member a network", () => {
        for (const entry of MEMBER_TYPES) {
            if (entry.relation === "whitelist") {
                assert.equal(entry.limit.kind, "service", entry.type);
                assert.equal(entry.network, undefined, entry.type);
            } else {
                assert.ok(entry.network, `${entry.type} says how its network is found`);
            }
            assert.match(entry.api, /^[A-Za-z-]+ /, `${entry.type} names the API that reports it`);
        }
    });
});
