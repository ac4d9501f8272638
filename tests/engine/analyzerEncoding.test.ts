import * as assert from "assert";
import fc from "fast-check";
import type * as analyzerPbTypes from "@pulumi/pulumi/proto/analyzer_pb";
import { encodeAnalyzeRequest, encodeStackResource } from "../../engine/analyzerEncoding";
import { NO_OPTIONS } from "../../engine/audit/source";
import { loadSdk } from "../../engine/sdk";
import type { RecordedOptions, RecordedResource } from "../../engine/types";
import { toAnalyzerProperties } from "../../engine/wire";
import { recordedResource } from "./recorded";

const STACK = "urn:pulumi:dev::shop";
const PROVIDER_URN = `${STACK}::pulumi:providers:alicloud::hangzhou`;

/**
 * The reference: each message built with the SDK's generated classes and `Struct.fromJavaScript`, then
 * `serializeBinary`, field by field as the engine's analyzer requests are described.
 */
function referenceMessage<M extends analyzerPbTypes.AnalyzeRequest | analyzerPbTypes.AnalyzerResource>(
    message: M,
    resource: RecordedResource,
    props: Record<string, unknown>,
    byUrn: ReadonlyMap<string, RecordedResource>,
): M {
    const { analyzerPb, struct } = loadSdk();
    message.setType(resource.type);
    message.setName(resource.name);
    message.setUrn(resource.urn);
    message.setProperties(struct.Struct.fromJavaScript(toAnalyzerProperties(props) as never));
    const options = new analyzerPb.AnalyzerResourceOptions();
    options.setProtect(resource.options.protect);
    options.setIgnorechangesList(resource.options.ignoreChanges);
    if (resource.options.deleteBeforeReplace !== undefined) {
        options.setDeletebeforereplace(resource.options.deleteBeforeReplace);
        options.setDeletebeforereplacedefined(true);
    }
    options.setAdditionalsecretoutputsList(resource.options.additionalSecretOutputs);
    options.setAliasesList(resource.options.aliases);
    const timeouts = new analyzerPb.AnalyzerResourceOptions.CustomTimeouts();
    const seconds = { "": 0, "5m": 300, "1h30m": 5400, "90s": 90 } as Record<string, number>;
    timeouts.setCreate(seconds[resource.options.customTimeouts.create]);
    timeouts.setUpdate(seconds[resource.options.customTimeouts.update]);
    timeouts.setDelete(seconds[resource.options.customTimeouts.delete]);
    options.setCustomtimeouts(timeouts);
    options.setParent(resource.parent ?? "");
    message.setOptions(options);
    const provider = resource.provider ? byUrn.get(resource.provider.replace(/::[^:]*$/, "")) : undefined;
    if (provider) {
        const described = new analyzerPb.AnalyzerProviderResource();
        described.setType(provider.type);
        described.setName(provider.name);
        described.setUrn(provider.urn);
        described.setProperties(struct.Struct.fromJavaScript(toAnalyzerProperties(provider.inputs) as never));
        message.setProvider(described);
    }
    return message;
}

function referenceAnalyzeRequest(
    resource: RecordedResource,
    props: Record<string, unknown>,
    byUrn: ReadonlyMap<string, RecordedResource>,
): Uint8Array {
    const { analyzerPb } = loadSdk();
    return referenceMessage(new analyzerPb.AnalyzeRequest(), resource, props, byUrn).serializeBinary();
}

/** An `AnalyzeStackRequest` of this one resource. */
function referenceStackResource(
    resource: RecordedResource,
    props: Record<string, unknown>,
    byUrn: ReadonlyMap<string, RecordedResource>,
): Uint8Array {
    const { analyzerPb } = loadSdk();
    const message = referenceMessage(new analyzerPb.AnalyzerResource(), resource, props, byUrn);
    message.setParent(resource.parent ?? "");
    message.setDependenciesList(resource.dependencies);
    for (const [key, urns] of Object.entries(resource.propertyDependencies)) {
        const deps = new analyzerPb.AnalyzerPropertyDependencies();
        deps.setUrnsList(urns);
        message.getPropertydependenciesMap().set(key, deps);
    }
    const request = new analyzerPb.AnalyzeStackRequest();
    request.setResourcesList([message]);
    return request.serializeBinary();
}

const provider = recordedResource({
    urn: PROVIDER_URN,
    type: "pulumi:providers:alicloud",
    name: "hangzhou",
    inputs: { region: "cn-hangzhou", profile: "prod" },
});
const byUrn = new Map([[provider.urn, provider]]);

/** Any character, lone surrogates included: the writer's UTF-8 is what both sides must agree on. */
const anyText = fc.string({ unit: fc.nat({ max: 0xffff }).map((code) => String.fromCharCode(code)) });
const key = fc.oneof(fc.constantFrom("cidrIp", "portRange", "", "id", "__proto__x", "b", "B", "é"), anyText);
const { value: propValue } = fc.letrec((tie) => ({
    value: fc.oneof(
        { depthSize: "small" },
        fc.constant(null),
        fc.boolean(),
        fc.double(),
        fc.constantFrom(0, -0, 1, -1, 65535, 2 ** 53, 1e-300),
        anyText,
        fc.array(tie("value"), { maxLength: 4 }),
        fc.dictionary(key, tie("value"), { maxKeys: 5 }),
    ),
}));
const props = fc.dictionary(key, propValue, { maxKeys: 8 }) as fc.Arbitrary<Record<string, unknown>>;
const urn = fc.constantFrom(
    `${STACK}::alicloud:ecs/securityGroup:SecurityGroup::web`,
    `${STACK}::alicloud-secure-groups:index:WebTierGroup::web`,
    `${STACK}::alicloud:vpc/network:Network::main`,
);
const options: fc.Arbitrary<RecordedOptions> = fc.record(
    {
        protect: fc.boolean(),
        ignoreChanges: fc.array(fc.constantFrom("tags", "description"), { maxLength: 2 }),
        deleteBeforeReplace: fc.boolean(),
        aliases: fc.array(urn, { maxLength: 2 }),
        additionalSecretOutputs: fc.array(fc.constantFrom("password", "userData"), { maxLength: 2 }),
        customTimeouts: fc.record({
            create: fc.constantFrom("", "5m", "1h30m"),
            update: fc.constantFrom("", "90s"),
            delete: fc.constantFrom("", "5m"),
        }),
    },
    { requiredKeys: ["protect", "ignoreChanges", "aliases", "additionalSecretOutputs", "customTimeouts"] },
);
const resource: fc.Arbitrary<RecordedResource> = fc
    .record({
        urn,
        type: fc.constantFrom("alicloud:ecs/securityGroupRule:SecurityGroupRule", ""),
        name: fc.constantFrom("web-https", "", "sgr-1 of web (sg-bp1)"),
        parent: fc.option(urn, { nil: null }),
        dependencies: fc.array(urn, { maxLength: 3 }),
        propertyDependencies: fc.dictionary(
            fc.constantFrom("securityGroupId", "sourceSecurityGroupId", "vpcId", ""),
            fc.array(urn, { maxLength: 2 }),
        ),
        provider: fc.constantFrom(
            null,
            `${PROVIDER_URN}::some-id`,
            `${STACK}::pulumi:providers:aws::gone::id`,
        ),
        options: fc.oneof(options, fc.constant(NO_OPTIONS)),
    })
    .map((fields) => recordedResource(fields));

describe("engine/analyzerEncoding: analyzer requests written straight to bytes", () => {
    it("writes every AnalyzeRequest byte for byte as the SDK's generated messages serialize it", () => {
        fc.assert(
            fc.property(resource, props, (r, p) => {
                assert.deepStrictEqual(
                    Buffer.from(encodeAnalyzeRequest(r, p, byUrn)),
                    Buffer.from(referenceAnalyzeRequest(r, p, byUrn)),
                );
            }),
            { numRuns: 500 },
        );
    });

    it("writes every AnalyzeStack entry byte for byte as the generated request serializes it", () => {
        fc.assert(
            fc.property(resource, props, (r, p) => {
                assert.deepStrictEqual(
                    Buffer.from(encodeStackResource(r, p, byUrn)),
                    Buffer.from(referenceStackResource(r, p, byUrn)),
                );
            }),
            { numRuns: 500 },
        );
    });

    it("gives an audited rule, shared frozen options and all, the bytes the pack decodes back to its props", () => {
        const { analyzerPb } = loadSdk();
        const rule = recordedResource({
            urn: "urn:pulumi:cn-hangzhou::aliyun::alicloud:ecs/securityGroupRule:SecurityGroupRule::sg-bp1/sgr-1",
            type: "alicloud:ecs/securityGroupRule:SecurityGroupRule",
            name: "sgr-1 of web (sg-bp1)",
            options: NO_OPTIONS,
        });
        const ruleProps = {
            securityGroupId: "sg-bp1",
            type: "ingress",
            ipProtocol: "tcp",
            portRange: "22/22",
            cidrIp: "0.0.0.0/0",
            policy: "accept",
            priority: 1,
            nicType: "intranet",
            description: "",
        };
        // Twice: the second request reuses the options' bytes.
        for (const round of [1, 2]) {
            const bytes = encodeAnalyzeRequest(rule, ruleProps, new Map());
            assert.deepStrictEqual(
                Buffer.from(bytes),
                Buffer.from(referenceAnalyzeRequest(rule, ruleProps, new Map())),
                `round ${round}`,
            );
            const decoded = analyzerPb.AnalyzeRequest.deserializeBinary(bytes);
            assert.deepStrictEqual(decoded.getProperties()?.toJavaScript(), ruleProps);
            assert.strictEqual(decoded.getOptions()?.getProtect(), false);
        }
    });

    it("refuses a value a Struct cannot hold, as Struct.fromJavaScript does", () => {
        const rule = recordedResource({ urn: `${STACK}::t::r`, type: "t", name: "r" });
        assert.throws(
            () => encodeAnalyzeRequest(rule, { port: undefined }, byUrn),
            /^Error: Unexpected struct type\.$/,
        );
        assert.throws(
            () => encodeStackResource(rule, { nested: { fn: () => 1 } }, byUrn),
            /^Error: Unexpected struct type\.$/,
        );
    });
});
