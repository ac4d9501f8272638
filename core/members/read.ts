import { isUnknown, Maybe, readKey, UNKNOWN } from "../read";
import { AttachmentSpec, MemberType, memberTypeOf } from "./catalog";

/**
 * Reading a member's group ids by its catalog entry. Never throws: unknown values (preview) become
 * {@link UNKNOWN} entries ("at least one group we cannot name yet"), odd values are ignored.
 */

/**
 * One set of groups evaluated together: one network interface of a member (or one whitelist). The quota,
 * the one-type rule and pooled evaluation apply per attachment.
 * @internal
 */
export interface AttachmentReading {
    /** The paths the groups come from, as the catalog spells them (`networkInterfaces.securityGroupIds`). */
    readonly fields: readonly string[];
    /**
     * The top-level properties whose `propertyDependencies` name exactly this attachment's groups. A list of
     * several interfaces shares one entry, which cannot say which groups each interface joins: left out.
     */
    readonly dependencyKeys: readonly string[];
    /**
     * Group ids as written; an element may be unknown, and a wholly unknown value is one UNKNOWN element
     * (at least one group we cannot name yet).
     */
    readonly groupIds: readonly Maybe<string>[];
}

function segmentsOf(path: string): string[] {
    return path.split(".");
}

/**
 * The top-level property of a path: `networkInterfaces` for `networkInterfaces[].securityGroupIds`.
 * @internal
 */
export function topLevelKey(path: string): string {
    return segmentsOf(path)[0].replace(/\[\]$/, "");
}

/** The elements of a list read through the proxy, or the value itself (an object where a list is declared). */
function elementsOf(value: unknown): unknown[] {
    let isArray = false;
    try {
        isArray = Array.isArray(value);
    } catch {
        return [UNKNOWN];
    }
    if (!isArray) {
        return [value];
    }
    let length = 0;
    try {
        length = Number((value as unknown[]).length) || 0;
    } catch {
        return [UNKNOWN];
    }
    const items: unknown[] = [];
    for (let i = 0; i < length; i++) {
        items.push(readKey(value, i));
    }
    return items;
}

/**
 * The values at a path, lists flattened. Lenient on shape: providers have typed some nested inputs as one object
 * in one version and a list in another (`ecs.Instance.networkInterfaces`), so both are read wherever either is.
 * An unknown on the way is one {@link UNKNOWN} value; an absent one contributes nothing.
 * @internal
 */
export function valuesAt(source: unknown, path: string): unknown[] {
    return walk(source, segmentsOf(path));
}

function walk(source: unknown, segments: readonly string[]): unknown[] {
    if (segments.length === 0) {
        return [source];
    }
    const [head, ...rest] = segments;
    const value = readKey(source, head.replace(/\[\]$/, ""));
    if (value === undefined || value === null) {
        return [];
    }
    if (value === UNKNOWN) {
        return [UNKNOWN];
    }
    if (rest.length === 0) {
        return [value];
    }
    return elementsOf(value).flatMap((item) =>
        isUnknown(item) || item === UNKNOWN ? [UNKNOWN] : walk(item, rest),
    );
}

/**
 * Ids in one value: a string (possibly `sg-1,sg-2`), a list of them, or unknown.
 * @internal
 */
export function idsIn(value: unknown): Maybe<string>[] {
    if (value === UNKNOWN || isUnknown(value)) {
        return [UNKNOWN];
    }
    if (typeof value === "string") {
        return value
            .split(",")
            .map((id) => id.trim())
            .filter((id) => id !== "");
    }
    if (typeof value === "object" && value !== null) {
        return elementsOf(value).flatMap((item) =>
            typeof item === "string" || item === UNKNOWN || isUnknown(item) ? idsIn(item) : [],
        );
    }
    return [];
}

interface FieldValues {
    readonly path: string;
    readonly ids: Maybe<string>[];
}

/** The fields of `paths` that are present under `source`, with their ids. */
function presentFields(source: unknown, paths: readonly string[], firstPresent = false): FieldValues[] {
    const found: FieldValues[] = [];
    for (const path of paths) {
        const values = valuesAt(source, path);
        if (values.length === 0) {
            continue;
        }
        found.push({ path, ids: values.flatMap(idsIn) });
        if (firstPresent) {
            break;
        }
    }
    return found;
}

function readSpec(spec: AttachmentSpec, props: unknown): AttachmentReading[] {
    if (spec.onlyWithout !== undefined && valuesAt(props, spec.onlyWithout).length > 0) {
        return [];
    }
    const shared = presentFields(props, spec.with ?? []);
    if (spec.per === undefined) {
        const fields = presentFields(props, spec.fields, spec.firstPresent);
        if (fields.length === 0) {
            return [];
        }
        const all = [...fields, ...shared];
        return [
            {
                fields: all.map((field) => field.path),
                dependencyKeys: [...new Set(all.map((field) => topLevelKey(field.path)))],
                groupIds: all.flatMap((field) => field.ids),
            },
        ];
    }
    const prefix = `${spec.per}.`;
    const elements = valuesAt(props, spec.per).flatMap(elementsOf);
    const readings: AttachmentReading[] = [];
    for (const element of elements) {
        const own =
            element === UNKNOWN || isUnknown(element)
                ? [{ path: spec.fields[0], ids: [UNKNOWN] as Maybe<string>[] }]
                : presentFields(
                      element,
                      spec.fields.map((field) => field.slice(prefix.length)),
                      spec.firstPresent,
                  ).map((field) => ({ path: `${prefix}${field.path}`, ids: field.ids }));
        if (own.length === 0) {
            continue;
        }
        const all = [...own, ...shared];
        readings.push({
            fields: all.map((field) => field.path),
            dependencyKeys: [
                ...new Set([
                    ...(elements.length === 1 ? [topLevelKey(spec.per)] : []),
                    ...shared.map((field) => topLevelKey(field.path)),
                ]),
            ],
            groupIds: all.flatMap((field) => field.ids),
        });
    }
    return readings;
}

/**
 * Reads the attachments of a resource by its catalog entry (or none for a type that names no group).
 * @internal
 */
export function readMemberAttachments(entry: MemberType, props: unknown): AttachmentReading[] {
    try {
        return entry.attachments.flatMap((spec) => readSpec(spec, props));
    } catch {
        // Odd input decides nothing; the member is left without attachments rather than the stack unjudged.
        return [];
    }
}

/**
 * Reads the group attachments of a resource of any type; empty for a type the catalog does not model.
 * @internal
 */
export function readAttachments(type: string, props: unknown): AttachmentReading[] {
    const entry = memberTypeOf(type);
    return entry ? readMemberAttachments(entry, props) : [];
}

/** True when a resource type joins security groups or admits their members (the catalog models it). */
export function isMemberType(type: string): boolean {
    return memberTypeOf(type) !== undefined;
}
