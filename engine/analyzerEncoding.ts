import type * as analyzerPbTypes from "@pulumi/pulumi/proto/analyzer_pb";
import type * as jspbTypes from "google-protobuf";
import { loadSdk } from "./sdk";
import type { RecordedResource } from "./types";
import { toAnalyzerProperties } from "./wire";

/**
 * The analyzer requests that describe one resource (`AnalyzeRequest`, and an `AnalyzeStackRequest` entry),
 * written straight to bytes with `google-protobuf`'s own writer: byte for byte what the generated messages
 * serialize to (`Struct.fromJavaScript`, then `serializeBinary`), without building a message object per
 * property value first. On an account of 75,000 resources, building those objects was most of the gate's own
 * work per call.
 */

type Writer = jspbTypes.BinaryWriter;

/** `google.protobuf.Value` fields, as `struct.proto` numbers them. */
const VALUE = { null: 1, number: 2, string: 3, bool: 4, struct: 5, list: 6 } as const;

/**
 * `Value.fromJavaScript` then `Value.serializeBinaryToWriter`, as the message in `field`: one oneof member,
 * written even when it holds a default (an empty string, `false`, `0`, `null`), since a oneof records which
 * member is set. (`writeMessage` would leave out a `null` value altogether: the sub-message is opened by hand.)
 */
function writeValue(writer: Writer, field: number, value: unknown): void {
    writer.beginSubMessage(field);
    if (value === null) {
        writer.writeEnum(VALUE.null, 0);
    } else if (Array.isArray(value)) {
        // `ListValue`: `repeated Value values = 1`.
        writer.beginSubMessage(VALUE.list);
        for (const item of value) {
            writeValue(writer, 1, item);
        }
        writer.endSubMessage(VALUE.list);
    } else {
        switch (typeof value) {
            case "string":
                writer.writeString(VALUE.string, value);
                break;
            case "number":
                writer.writeDouble(VALUE.number, value);
                break;
            case "boolean":
                writer.writeBool(VALUE.bool, value);
                break;
            case "object":
                writeStruct(writer, VALUE.struct, value as Record<string, unknown>);
                break;
            default:
                // What `Value.fromJavaScript` says of `undefined`, a function, a bigint or a symbol.
                throw new Error("Unexpected struct type.");
        }
    }
    writer.endSubMessage(field);
}

/**
 * `Struct` as the message in `field`: `map<string, Value> fields = 1`, each entry a message of key (1) and
 * value (2), in the order `jspb.Map` writes them: keys sorted. Keys are those `Struct.fromJavaScript` takes
 * (`for…in`).
 */
function writeStruct(writer: Writer, field: number, object: Record<string, unknown>): void {
    const keys: string[] = [];
    for (const key in object) {
        keys.push(key);
    }
    keys.sort();
    writer.beginSubMessage(field);
    for (const key of keys) {
        writer.beginSubMessage(1);
        writer.writeString(1, key);
        writeValue(writer, 2, object[key]);
        writer.endSubMessage(1);
    }
    writer.endSubMessage(field);
}

/** Fields `AnalyzeRequest` and `AnalyzerResource` share, with the same numbers. */
const RESOURCE = { type: 1, properties: 2, urn: 3, name: 4, options: 5, provider: 6 } as const;
/** Fields only an `AnalyzerResource` (an `AnalyzeStack` entry) has. */
const STACK_RESOURCE = { parent: 7, dependencies: 8, propertyDependencies: 9 } as const;
/** Field 1 of `AnalyzeStackRequest`: `repeated AnalyzerResource resources`. */
const STACK_RESOURCES_FIELD = 1;

/** A proto3 string field, absent when empty, as the generated serializers write it. */
function writeText(writer: Writer, field: number, value: string): void {
    if (value.length > 0) {
        writer.writeString(field, value);
    }
}

/** `5m`, `30s`, `1h30m` (Go durations, as `customTimeouts` takes them) → seconds; empty → 0. */
function durationSeconds(duration: string): number {
    let total = 0;
    for (const [, amount, unit] of duration.matchAll(/([\d.]+)(h|m|s|ms)/g)) {
        total += Number(amount) * ({ h: 3600, m: 60, s: 1, ms: 0.001 } as Record<string, number>)[unit];
    }
    return total;
}

function resourceOptions(resource: RecordedResource): analyzerPbTypes.AnalyzerResourceOptions {
    const { analyzerPb } = loadSdk();
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
    timeouts.setCreate(durationSeconds(resource.options.customTimeouts.create));
    timeouts.setUpdate(durationSeconds(resource.options.customTimeouts.update));
    timeouts.setDelete(durationSeconds(resource.options.customTimeouts.delete));
    options.setCustomtimeouts(timeouts);
    options.setParent(resource.parent ?? "");
    return options;
}

/**
 * The options message of a resource, encoded. Every audited resource shares one frozen options object (it
 * cannot change), so its bytes are kept by object and parent (the message carries the parent too).
 */
const encodedOptions = new WeakMap<RecordedResource["options"], Map<string, Uint8Array>>();

function optionsBytes(resource: RecordedResource): Uint8Array {
    if (!Object.isFrozen(resource.options)) {
        return resourceOptions(resource).serializeBinary();
    }
    let byParent = encodedOptions.get(resource.options);
    if (!byParent) {
        byParent = new Map();
        encodedOptions.set(resource.options, byParent);
    }
    const parent = resource.parent ?? "";
    let bytes = byParent.get(parent);
    if (!bytes) {
        bytes = resourceOptions(resource).serializeBinary();
        byParent.set(parent, bytes);
    }
    return bytes;
}

/** The resource's explicit provider as the analyzer sees it, when the program registered one. */
function providerResource(
    resource: RecordedResource,
    byUrn: ReadonlyMap<string, RecordedResource>,
): RecordedResource | undefined {
    if (!resource.provider) {
        return undefined;
    }
    return byUrn.get(resource.provider.slice(0, resource.provider.lastIndexOf("::")));
}

/** `AnalyzerProviderResource`: type, properties, urn, name (the first four resource fields). */
function writeProvider(writer: Writer, provider: RecordedResource): void {
    writeText(writer, RESOURCE.type, provider.type);
    writeStruct(writer, RESOURCE.properties, toAnalyzerProperties(provider.inputs));
    writeText(writer, RESOURCE.urn, provider.urn);
    writeText(writer, RESOURCE.name, provider.name);
}

/** The fields one resource is described by, in field order: what a policy sees of it. */
function writeResource(
    writer: Writer,
    resource: RecordedResource,
    props: Record<string, unknown>,
    byUrn: ReadonlyMap<string, RecordedResource>,
): void {
    writeText(writer, RESOURCE.type, resource.type);
    writeStruct(writer, RESOURCE.properties, toAnalyzerProperties(props));
    writeText(writer, RESOURCE.urn, resource.urn);
    writeText(writer, RESOURCE.name, resource.name);
    writer.writeBytes(RESOURCE.options, optionsBytes(resource));
    const provider = providerResource(resource, byUrn);
    if (provider) {
        writer.beginSubMessage(RESOURCE.provider);
        writeProvider(writer, provider);
        writer.endSubMessage(RESOURCE.provider);
    }
}

/** The `AnalyzeRequest` (and `Remediate`'s, the same message) of one resource with `props` as its inputs. */
export function encodeAnalyzeRequest(
    resource: RecordedResource,
    props: Record<string, unknown>,
    byUrn: ReadonlyMap<string, RecordedResource>,
): Uint8Array {
    const { jspb } = loadSdk();
    const writer = new jspb.BinaryWriter();
    writeResource(writer, resource, props, byUrn);
    return writer.getResultBuffer();
}

/**
 * One resource of an `AnalyzeStack` request, encoded as the request carries it (an `AnalyzerResource` in field
 * 1); `props` are the properties the stack analysis sees. The gate encodes each resource as soon as those are
 * known, mostly while the program is still running, so that after the program only the joining is left.
 */
export function encodeStackResource(
    resource: RecordedResource,
    props: Record<string, unknown>,
    byUrn: ReadonlyMap<string, RecordedResource>,
): Uint8Array {
    return stackResourceFrom(resource, encodeAnalyzeRequest(resource, props, byUrn));
}

/**
 * The `AnalyzeStack` entry of a resource whose `AnalyzeRequest` is already encoded with the same properties.
 * `AnalyzerResource` repeats `AnalyzeRequest`'s fields 1–6 (type, properties, urn, name, options, provider) with
 * the same numbers and types and adds parent, dependencies and property dependencies (7–9); protobuf's encoder
 * writes fields in number order, so the request's bytes followed by those three are byte for byte the
 * `AnalyzerResource` (`tests/engine/stackRequest.test.ts`), without encoding the properties a second time.
 */
export function stackResourceFrom(resource: RecordedResource, analyzeRequest: Uint8Array): Uint8Array {
    const { jspb } = loadSdk();
    const writer = new jspb.BinaryWriter();
    writer.beginSubMessage(STACK_RESOURCES_FIELD);
    writer.writeSerializedMessage(analyzeRequest, 0, analyzeRequest.length);
    writeText(writer, STACK_RESOURCE.parent, resource.parent ?? "");
    if (resource.dependencies.length > 0) {
        writer.writeRepeatedString(STACK_RESOURCE.dependencies, resource.dependencies);
    }
    // `map<string, AnalyzerPropertyDependencies>`, keys sorted as `jspb.Map` writes them; each value a message
    // of `repeated string urns = 1`.
    for (const key of Object.keys(resource.propertyDependencies).sort()) {
        writer.beginSubMessage(STACK_RESOURCE.propertyDependencies);
        writer.writeString(1, key);
        writer.beginSubMessage(2);
        const urns = resource.propertyDependencies[key];
        if (urns.length > 0) {
            writer.writeRepeatedString(1, urns);
        }
        writer.endSubMessage(2);
        writer.endSubMessage(STACK_RESOURCE.propertyDependencies);
    }
    writer.endSubMessage(STACK_RESOURCES_FIELD);
    return writer.getResultBuffer();
}
