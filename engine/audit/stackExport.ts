import * as fs from "fs";
import * as path from "path";
import { GateError } from "../errors";
import { MAX_NESTING_DEPTH } from "../inputLimits";
import type { SecretValues } from "../secrets";
import type { RecordedOptions, RecordedResource, SourcePosition } from "../types";
import { RESOURCE_REF_SIG, SECRET_LABEL, SECRET_SIG, SIG_KEY } from "../../core/wire";
import { recogniseAliyunResponse } from "./aliyun/responses";
import { isRecord, readJsonFile, type LoadedStack } from "./source";

/**
 * `pulumi stack export` output read as the CLI's `pulumi policy analyze --file` reads it
 * (`stack.DeserializeUntypedDeployment`, then the engine's `AnalyzeSnapshot`): versions 3 and 4 of the
 * deployment schema (`apitype.DeploymentV3`), every secret redacted to `"[secret]"` whether the export holds it
 * encrypted or, after `--show-secrets`, in plaintext, as the CLI's blinding secrets provider does.
 */

/** The versions `UnmarshalUntypedDeployment` reads as `DeploymentV3` (`DeploymentSchemaVersionCurrent`/`Latest`). */
const STACK_EXPORT_VERSIONS: readonly number[] = [3, 4];

/** Features a version 4 deployment may declare that the CLI supports (`stack.supportedFeatures`). */
const SUPPORTED_FEATURES: ReadonlySet<string> = new Set([
    "refreshBeforeUpdate",
    "views",
    "hooks",
    "taint",
    "replaceWith",
    "snippets-prototype",
    "extensionParameterization",
    "byteString",
]);

const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
const ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";
/** Floats the JSON form cannot hold exactly (NaN, infinities) are hex bit patterns under this signature. */
const FLOAT_SIG = "8ad145fe-0d11-4827-bfd7-1abcbf086f5c";
const BYTE_STRING_SIG = "803fd3297a5875dc03ca845dda5d2a98";

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";
const URN_PREFIX = "urn:pulumi:";
const URN_DELIMITER = "::";

/** Throws a message naming the property path and what is wrong with it (never its value). */
type Fail = (where: string, problem: string) => never;

/** Receives each plaintext secret of the export, so that the last line of defence knows it. */
type SecretSeen = (value: unknown) => void;

/** `stack.DeserializePropertyValue`, with a redacting decrypter. */
function deserializeValue(value: unknown, where: string, fail: Fail, seen: SecretSeen, depth = 0): unknown {
    if (typeof value === "object" && value !== null && depth >= MAX_NESTING_DEPTH) {
        // Every consumer after this one, down to the protobuf encoding, recurses.
        fail(where, `is nested deeper than ${MAX_NESTING_DEPTH} levels`);
    }
    if (Array.isArray(value)) {
        return value.map((item, index) =>
            deserializeValue(item, `${where}[${index}]`, fail, seen, depth + 1),
        );
    }
    if (!isRecord(value)) {
        return value;
    }
    if (!(SIG_KEY in value)) {
        const result: Record<string, unknown> = {};
        for (const [key, inner] of Object.entries(value)) {
            result[key] = deserializeValue(inner, `${where}.${key}`, fail, seen, depth + 1);
        }
        return result;
    }
    const sig = value[SIG_KEY];
    switch (sig) {
        case SECRET_SIG: {
            const ciphertext = typeof value.ciphertext === "string";
            const plaintext = typeof value.plaintext === "string";
            if (ciphertext === plaintext) {
                fail(where, "is a malformed secret: exactly one of ciphertext or plaintext must be given");
            }
            if (plaintext) {
                seen(plaintextValue(value.plaintext as string));
            }
            // Never decrypted, never parsed: the value itself must not reach a pack, a report or a message.
            return { [SIG_KEY]: SECRET_SIG, value: SECRET_LABEL };
        }
        case RESOURCE_REF_SIG: {
            if (typeof value.urn !== "string") {
                fail(where, "is a malformed resource reference: it has no urn");
            }
            const reference: Record<string, unknown> = { [SIG_KEY]: RESOURCE_REF_SIG, urn: value.urn };
            // An older engine serialized the id as a property value object ({"V": ...}); see deserializeID.
            const id = isRecord(value.id) ? value.id.V : value.id;
            if (typeof id === "string") {
                reference.id = id;
            } else if (isRecord(id)) {
                reference.id = "";
            }
            if (typeof value.packageVersion === "string") {
                reference.packageVersion = value.packageVersion;
            }
            return reference;
        }
        case ASSET_SIG:
        case ARCHIVE_SIG:
            return value;
        case FLOAT_SIG: {
            if (typeof value.value !== "string" || !/^[0-9a-fA-F]{1,16}$/.test(value.value)) {
                fail(where, "is a malformed float: its value must be 64 bits in hexadecimal");
            }
            const view = new DataView(new ArrayBuffer(8));
            view.setBigUint64(0, BigInt(`0x${value.value as string}`));
            return view.getFloat64(0);
        }
        case BYTE_STRING_SIG:
            if (typeof value.value !== "string") {
                fail(where, "is a malformed byte string: its value must be base64 text");
            }
            return Buffer.from(value.value as string, "base64").toString("utf8");
        default:
            return fail(where, `has an unrecognized signature ${JSON.stringify(sig)}`);
    }
}

/** A `--show-secrets` value is the secret's JSON; a text that is not JSON is the secret itself. */
function plaintextValue(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}

/**
 * The engine marshals `Analyze` and `AnalyzeStack` properties with `SkipInternalKeys`: top-level keys starting
 * with `__` (the bridge's `__defaults`, `__meta`) never reach a pack.
 */
function withoutInternalKeys(props: Record<string, unknown>): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(props)) {
        if (!key.startsWith("__")) {
            result[key] = value;
        }
    }
    return result;
}

/** `URN.IsValid`: the prefix and at least three delimiters (stack, project, type, name). */
function isValidUrn(urn: unknown): urn is string {
    return typeof urn === "string" && urn.startsWith(URN_PREFIX) && urn.split(URN_DELIMITER).length >= 4;
}

/** `URN.Name`: everything after the third delimiter, which may itself hold delimiters. */
export function urnName(urn: string): string {
    return urn.slice(URN_PREFIX.length).split(URN_DELIMITER).slice(3).join(URN_DELIMITER);
}

function urnStackAndProject(urn: string): [string, string] {
    const parts = urn.slice(URN_PREFIX.length).split(URN_DELIMITER);
    return [parts[0], parts[1]];
}

/**
 * `project:///index.ts#12,5` (the engine's form: the program's file relative to its project root, line and
 * optional column) as a position under `projectDir`; undefined for anything else.
 */
export function parseSourcePosition(text: unknown, projectDir: string): SourcePosition | undefined {
    if (typeof text !== "string") {
        return undefined;
    }
    const match = /^project:\/\/(\/[^#]*)#(\d+)(?:,(\d+))?$/.exec(text);
    if (!match) {
        return undefined;
    }
    let relative: string;
    try {
        relative = decodeURIComponent(match[1]).slice(1);
    } catch {
        return undefined;
    }
    return {
        file: path.join(projectDir, ...relative.split("/")),
        line: Number(match[2]),
        column: match[3] === undefined ? 1 : Number(match[3]),
    };
}

function stringList(value: unknown): string[] {
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

/** `customTimeouts` are seconds in state; the recorded options keep a program's duration strings. */
function durations(value: unknown): RecordedOptions["customTimeouts"] {
    const timeouts = isRecord(value) ? value : {};
    const seconds = (key: string): string =>
        typeof timeouts[key] === "number" && (timeouts[key] as number) > 0 ? `${timeouts[key]}s` : "";
    return { create: seconds("create"), update: seconds("update"), delete: seconds("delete") };
}

const LIMITATIONS =
    "Audit of a stack export as `pulumi policy analyze --file` runs it: no program and no provider ran; every " +
    "secret is redacted to [secret]; each resource's inputs were analyzed and its outputs, the deployed state, " +
    "were analyzed as a stack; remediations are reported, not applied.";

/**
 * Reads `pulumi stack export` output. A file that is not an export of version 3 or 4, or a resource the CLI
 * would refuse, fails with one line naming the file (and the resource). Resources marked `delete` are left
 * out, as `AnalyzeSnapshot` skips them; the stack resource and providers stay, as the engine analyzes them too.
 * Source positions (`sourcePosition`) are read relative to `projectDir`.
 */
export function loadStackExport(
    file: string,
    projectDir: string = process.cwd(),
    secrets?: SecretValues,
): LoadedStack {
    const secretSeen: SecretSeen = (value) => secrets?.addValue(value);
    const label = `--stack-export ${file}`;
    const doc = readJsonFile(file, label);
    if (!isRecord(doc) || !("version" in doc) || !("deployment" in doc)) {
        const shape = recogniseAliyunResponse(doc);
        throw new GateError(
            "input",
            `${label}: not a stack export (a JSON object with version and deployment, as pulumi stack export writes)` +
                (shape ? `; it is the output of aliyun ${shape}: pass its directory with --aliyun` : ""),
        );
    }
    if (typeof doc.version !== "number" || !STACK_EXPORT_VERSIONS.includes(doc.version)) {
        throw new GateError(
            "input",
            `${label}: a stack export of version ${JSON.stringify(doc.version)}; alicloud-sg reads versions ` +
                `${STACK_EXPORT_VERSIONS.join(" and ")} (export it again with a current Pulumi CLI)`,
        );
    }
    if (doc.version >= 4) {
        const unsupported = stringList(doc.features).filter((feature) => !SUPPORTED_FEATURES.has(feature));
        if (unsupported.length > 0 || (doc.features !== undefined && !Array.isArray(doc.features))) {
            throw new GateError(
                "input",
                `${label}: the deployment needs support for features alicloud-sg does not know: ` +
                    (unsupported.join(", ") || JSON.stringify(doc.features)),
            );
        }
    }
    const deployment = doc.deployment;
    if (!isRecord(deployment)) {
        throw new GateError("input", `${label}: deployment must be an object (got ${typeof deployment})`);
    }
    const list = deployment.resources ?? [];
    if (!Array.isArray(list)) {
        throw new GateError("input", `${label}: deployment.resources must be a list`);
    }

    const resources: RecordedResource[] = [];
    const seen = new Set<string>();
    let rootStackUrn: string | null = null;
    let fallbackRoot: string | null = null;
    const origins = new Set<string>();
    list.forEach((entry: unknown, index: number) => {
        const at = `deployment.resources[${index}]`;
        if (!isRecord(entry)) {
            throw new GateError("input", `${label}: ${at} must be an object`);
        }
        const urn = entry.urn;
        if (!isValidUrn(urn)) {
            throw new GateError(
                "input",
                `${label}: ${at}.urn is not a valid URN (got ${JSON.stringify(urn)})`,
            );
        }
        if (typeof entry.type !== "string" || entry.type === "") {
            throw new GateError("input", `${label}: ${at} (${urn}) has no type`);
        }
        const fail: Fail = (where, problem) => {
            throw new GateError("input", `${label}: ${at} (${urn}): ${where} ${problem}`);
        };
        const props = (key: "inputs" | "outputs"): Record<string, unknown> => {
            const value = entry[key] ?? {};
            if (!isRecord(value)) {
                fail(key, "must be an object");
            }
            return withoutInternalKeys(
                deserializeValue(value, key, fail, secretSeen) as Record<string, unknown>,
            );
        };
        const inputs = props("inputs");
        const outputs = props("outputs");
        const [stack, project] = urnStackAndProject(urn);
        origins.add(JSON.stringify([project, stack]));
        fallbackRoot ??= [`${URN_PREFIX}${stack}`, project, ROOT_STACK_TYPE, `${project}-${stack}`].join(
            URN_DELIMITER,
        );
        if (entry.delete === true) {
            // A resource pending deletion is not part of what the stack is (`AnalyzeSnapshot` skips it).
            return;
        }
        const parent = typeof entry.parent === "string" && entry.parent !== "" ? entry.parent : null;
        if (entry.type === ROOT_STACK_TYPE && parent === null && rootStackUrn === null) {
            rootStackUrn = urn;
        }
        if (seen.has(urn)) {
            throw new GateError("input", `${label}: ${at}: ${urn} is listed twice`);
        }
        seen.add(urn);
        const propertyDependencies: Record<string, string[]> = {};
        if (isRecord(entry.propertyDependencies)) {
            for (const [key, urns] of Object.entries(entry.propertyDependencies)) {
                propertyDependencies[key] = stringList(urns);
            }
        }
        resources.push({
            urn,
            type: entry.type,
            name: urnName(urn),
            custom: entry.custom === true,
            external: entry.external === true,
            parent,
            dependencies: stringList(entry.dependencies),
            propertyDependencies,
            inputs,
            outputs,
            provider: typeof entry.provider === "string" && entry.provider !== "" ? entry.provider : null,
            source: parseSourcePosition(entry.sourcePosition, projectDir) ?? null,
            options: {
                protect: entry.protect === true,
                ignoreChanges: stringList(entry.ignoreChanges),
                aliases: stringList(entry.aliases),
                additionalSecretOutputs: stringList(entry.additionalSecretOutputs),
                customTimeouts: durations(entry.customTimeouts),
            },
        });
    });
    // As the CLI labels a file: its one project and stack, "multiple" when resources disagree.
    const [project, stack] =
        origins.size === 1
            ? (JSON.parse([...origins][0]) as [string, string])
            : origins.size > 1
              ? ["multiple", "multiple"]
              : ["unknown", "unknown"];
    return {
        project,
        stack,
        resources,
        rootStackUrn: rootStackUrn ?? fallbackRoot,
        limitations: LIMITATIONS,
        description: `stack export ${file}`,
        bytes: fs.statSync(file).size,
    };
}
