import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { SECURITY_GROUP_RULE_TYPE, SECURITY_GROUP_TYPE, UNREAD_RULES_DESCRIPTION } from "../../../core/read";
import { GateError } from "../../errors";
import type { RecordedResource } from "../../types";
import { UNKNOWN_SENTINEL } from "../../../core/wire";
import { isRecord, NO_OPTIONS, readJsonFile, type LoadedStack } from "../source";
import { MEMBER_KINDS, type MemberKind } from "./members";
import {
    DESCRIBE_INSTANCES,
    DESCRIBE_SECURITY_GROUP_ATTRIBUTE,
    DESCRIBE_SECURITY_GROUPS,
    itemsOf,
    permissionsOf,
    recogniseAliyunAction,
    tagMap,
    text,
    type AliyunItem,
} from "./responses";
import { ruleProps } from "./rules";

/**
 * `audit --aliyun DIR`: the JSON the `aliyun` CLI printed for an account, any number of files, pages and regions
 * in DIR, each file recognised by its shape, recorded as the resources @pulumi/alicloud records (type tokens and
 * property names), so that the same pack judges hand-made and Pulumi-made groups alike.
 *
 * Identity is the region and the id (`urn:pulumi:<region>::aliyun::<type>::<id>`), stable whatever the
 * resource is called; names show both (`web (sg-bp1...)`). What the responses do not show is unknown, never
 * assumed: a group listed without a `DescribeSecurityGroupAttribute` response has unknown rules (and inner
 * access policy), a group only described has unknown tags and type.
 */

const ALIYUN_PROJECT = "aliyun";

/** `cn-hangzhou`, `ap-southeast-1`, `cn-shanghai-finance-1`: a directory named after a region. */
const REGION_NAME = /^[a-z]{2,}(-[a-z0-9]+)+$/;

interface GroupRecord {
    readonly id: string;
    region?: string;
    /** The `DescribeSecurityGroups` item. */
    listed?: AliyunItem;
    /** The group fields of its `DescribeSecurityGroupAttribute` responses, merged. */
    described?: AliyunItem;
    /** How many `DescribeSecurityGroupAttribute` responses (pages, NIC types, directions) were read. */
    responses: number;
    /** Rules by `SecurityGroupRuleId`, or by content when the API gave none: pages may repeat a rule. */
    readonly permissions: Map<string, AliyunItem>;
}

interface MemberRecord {
    readonly item: AliyunItem;
    readonly region: string | undefined;
}

/** Every `.json` file under `dir`, sorted, so that a directory reads the same on every machine. */
function jsonFiles(dir: string): string[] {
    const files: string[] = [];
    const walk = (current: string): void => {
        for (const entry of fs
            .readdirSync(current, { withFileTypes: true })
            .sort((a, b) => (a.name < b.name ? -1 : 1))) {
            const full = path.join(current, entry.name);
            if (entry.isDirectory()) {
                walk(full);
            } else if (entry.isFile() && entry.name.toLowerCase().endsWith(".json")) {
                files.push(full);
            }
        }
    };
    walk(dir);
    return files;
}

/** The region a file's path names (`DIR/cn-hangzhou/...`), nearest directory first. */
function regionOfPath(dir: string, file: string): string | undefined {
    const parts = path.relative(dir, path.dirname(file)).split(path.sep).filter(Boolean).reverse();
    return parts.find((part) => REGION_NAME.test(part));
}

/** A zone id without its zone letter: `cn-hangzhou-h` → `cn-hangzhou`. */
function regionOfZone(item: AliyunItem): string | undefined {
    return text(item, "ZoneId")?.replace(/-[a-z0-9]$/, "");
}

/** What two pages say of one resource, the first page's values first: a field one page omits, another fills. */
function fillIn(known: AliyunItem | undefined, item: AliyunItem): AliyunItem {
    if (!known) {
        return item;
    }
    const merged = { ...known };
    for (const [key, value] of Object.entries(item)) {
        if (merged[key] === undefined || merged[key] === "") {
            merged[key] = value;
        }
    }
    return merged;
}

function hash(value: unknown): string {
    return createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 12);
}

function urnOf(region: string | undefined, type: string, name: string): string {
    return `urn:pulumi:${region ?? "unknown-region"}::${ALIYUN_PROJECT}::${type}::${name}`;
}

/** `web (sg-bp1...)`: the name the console shows and the id, or the id alone. */
function labelOf(name: string | undefined, id: string): string {
    return name && name !== id ? `${name} (${id})` : id;
}

function resourceOf(
    urn: string,
    type: string,
    name: string,
    inputs: Record<string, unknown>,
    id: string,
): RecordedResource {
    return {
        urn,
        type,
        name,
        custom: true,
        external: false,
        parent: null,
        dependencies: [],
        propertyDependencies: {},
        inputs,
        outputs: { ...inputs, id },
        provider: null,
        source: null,
        options: NO_OPTIONS,
    };
}

function badFile(file: string, doc: unknown): GateError {
    const label = `--aliyun ${file}`;
    if (isRecord(doc) && "version" in doc && "deployment" in doc) {
        return new GateError(
            "input",
            `${label}: a stack export, not an aliyun response; pass it with --stack-export`,
        );
    }
    if (isRecord(doc) && typeof doc.Code === "string" && typeof doc.Message === "string") {
        return new GateError(
            "input",
            `${label}: an API error response (Code ${doc.Code}), not data; collect it again with read permissions`,
        );
    }
    return new GateError(
        "input",
        `${label}: not a response alicloud-sg reads (${[DESCRIBE_SECURITY_GROUPS, DESCRIBE_SECURITY_GROUP_ATTRIBUTE, DESCRIBE_INSTANCES].map((a) => a.command).join(", ")}, ...): unknown shape`,
    );
}

/**
 * The id a response must carry. Without it, the rules or group it holds could be attributed to nothing, and an
 * audit that dropped them would pass what it never judged.
 */
function requiredId(file: string, item: AliyunItem, field: string, where: string, shownAs = field): string {
    const id = text(item, field);
    if (id === undefined) {
        throw new GateError(
            "input",
            `--aliyun ${file}: ${where} has no ${shownAs} (found ${JSON.stringify(item[field] ?? null).slice(0, 40)}); collect it again`,
        );
    }
    return id;
}

/** Reads every response under `dir`. */
export function loadAliyunDir(dir: string): LoadedStack {
    const label = `--aliyun ${dir}`;
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
        throw new GateError("input", `${label}: not a directory`);
    }
    const files = jsonFiles(dir);
    if (files.length === 0) {
        throw new GateError(
            "input",
            `${label}: no .json file; collect the account first (README "Audit what is deployed")`,
        );
    }
    const groups = new Map<string, GroupRecord>();
    const group = (id: string): GroupRecord => {
        let record = groups.get(id);
        if (!record) {
            record = { id, responses: 0, permissions: new Map() };
            groups.set(id, record);
        }
        return record;
    };
    const members = new Map<MemberKind, Map<string, MemberRecord>>(
        MEMBER_KINDS.map((kind) => [kind, new Map()]),
    );

    let bytes = 0;
    for (const file of files) {
        const doc = readJsonFile(file, `--aliyun ${file}`);
        bytes += fs.statSync(file).size;
        const action = recogniseAliyunAction(doc);
        if (!action || !isRecord(doc)) {
            throw badFile(file, doc);
        }
        const fileRegion = text(doc, "RegionId") ?? regionOfPath(dir, file);
        if (action === DESCRIBE_SECURITY_GROUPS) {
            for (const item of itemsOf(doc, action) ?? []) {
                // A group the account lists but that cannot be named would otherwise vanish from the audit.
                const record = group(
                    requiredId(file, item, "SecurityGroupId", `an item of ${(action.list ?? []).join(".")}`),
                );
                record.listed = fillIn(record.listed, item);
                record.region ??= fileRegion;
            }
        } else if (action === DESCRIBE_SECURITY_GROUP_ATTRIBUTE) {
            const record = group(requiredId(file, doc, "SecurityGroupId", "the response"));
            record.described = fillIn(record.described, doc);
            record.responses++;
            record.region ??= fileRegion;
            for (const permission of permissionsOf(doc)) {
                record.permissions.set(
                    text(permission, "SecurityGroupRuleId") ?? JSON.stringify(permission),
                    permission,
                );
            }
        } else {
            // DescribeRegions and DescribeLaunchTemplates are read (the script writes them) but join nothing.
            const kind = MEMBER_KINDS.find((k) => k.action === action);
            const byKey = kind ? members.get(kind) : undefined;
            if (!kind || !byKey) {
                continue;
            }
            for (const listed of itemsOf(doc, action) ?? []) {
                const item = kind.flatten ? kind.flatten(listed) : listed;
                const id = requiredId(
                    file,
                    item,
                    kind.idField,
                    `an item of ${(action.list ?? []).join(".")}`,
                    kind.idShownAs,
                );
                const key = kind.versionField ? `${id}#${String(item[kind.versionField])}` : id;
                const known = byKey.get(key);
                const region = text(item, "RegionId") ?? fileRegion ?? regionOfZone(item);
                byKey.set(key, { item: fillIn(known?.item, item), region: known?.region ?? region });
            }
        }
    }

    const resources: RecordedResource[] = [];
    const isAccountGroup = (id: string): boolean => groups.has(id);
    const sortedGroups = [...groups.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (const record of sortedGroups) {
        resources.push(...groupResources(record, isAccountGroup));
    }

    const instanceIds = new Set([
        ...(members.get(MEMBER_KINDS.find((k) => k.action === DESCRIBE_INSTANCES) as MemberKind)?.keys() ??
            []),
    ]);
    for (const kind of MEMBER_KINDS) {
        const byId = new Map<string, MemberRecord[]>();
        for (const record of (members.get(kind) as Map<string, MemberRecord>).values()) {
            const id = text(record.item, kind.idField) as string;
            byId.set(id, [...(byId.get(id) ?? []), record]);
        }
        for (const [id, records] of [...byId].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
            const chosen = kind.select ? kind.select(records.map((r) => r.item)) : [records[0].item];
            for (const item of chosen) {
                const props = kind.props(item, { instanceIds });
                if (props === undefined) {
                    continue;
                }
                const region = records.find((r) => r.item === item)?.region;
                const name = labelOf(text(item, kind.nameField), id);
                resources.push(resourceOf(urnOf(region, kind.type, id), kind.type, name, props, id));
            }
        }
    }

    const regions = [
        ...new Set(resources.map((r) => r.urn.split("::")[0].slice("urn:pulumi:".length))),
    ].sort();
    return {
        project: ALIYUN_PROJECT,
        stack: regions.join(",") || "unknown-region",
        resources,
        rootStackUrn: null,
        limitations: LIMITATIONS,
        description: `Alibaba Cloud API responses in ${dir}`,
        bytes,
    };
}

const LIMITATIONS =
    "Audit of Alibaba Cloud API responses: each group, rule and member is recorded as @pulumi/alicloud records " +
    "it; what the responses do not show is unknown (a group without a DescribeSecurityGroupAttribute response " +
    "has unknown rules, one not listed by DescribeSecurityGroups unknown tags and type); remediations are " +
    "reported, not applied.";

/** A group's resource, then its rules (and, for what was not read, rules of unknown content). */
function groupResources(record: GroupRecord, isAccountGroup: (id: string) => boolean): RecordedResource[] {
    const listed = record.listed ?? {};
    const described = record.described ?? {};
    const field = (key: string): string | undefined => text(listed, key) ?? text(described, key);
    const groupName = labelOf(field("SecurityGroupName"), record.id);
    const inputs: Record<string, unknown> = {};
    const set = (key: string, value: unknown): void => {
        if (value !== undefined) {
            inputs[key] = value;
        }
    };
    set("securityGroupName", field("SecurityGroupName"));
    set("description", field("Description"));
    set("vpcId", field("VpcId"));
    set("resourceGroupId", field("ResourceGroupId"));
    set(
        "securityGroupType",
        record.listed ? (text(listed, "SecurityGroupType")?.toLowerCase() ?? "normal") : UNKNOWN_SENTINEL,
    );
    set("innerAccessPolicy", record.described ? text(described, "InnerAccessPolicy") : UNKNOWN_SENTINEL);
    set("tags", record.listed ? tagMap(listed.Tags) : UNKNOWN_SENTINEL);
    const groupUrn = urnOf(record.region, SECURITY_GROUP_TYPE, record.id);
    const resources = [resourceOf(groupUrn, SECURITY_GROUP_TYPE, groupName, inputs, record.id)];

    const rules = [...record.permissions.values()].map((permission) => {
        const props = ruleProps(record.id, permission, isAccountGroup);
        const ruleId = text(permission, "SecurityGroupRuleId");
        return {
            key: ruleId ?? `rule-${hash(props)}`,
            shown: ruleId ?? `#${hash(props).slice(0, 8)}`,
            props,
        };
    });
    const seen = new Set<string>();
    for (const rule of rules.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
        // The same rule spelt differently on two pages (case, a string priority) is one rule.
        if (seen.has(rule.key)) {
            continue;
        }
        seen.add(rule.key);
        resources.push(
            resourceOf(
                urnOf(record.region, SECURITY_GROUP_RULE_TYPE, `${record.id}/${rule.key}`),
                SECURITY_GROUP_RULE_TYPE,
                `${rule.shown} of ${groupName}`,
                rule.props,
                rule.key,
            ),
        );
    }
    for (const unread of unreadParts(
        record,
        rules.map((r) => r.props),
    )) {
        const props = {
            securityGroupId: record.id,
            type: unread.direction,
            ipProtocol: UNKNOWN_SENTINEL,
            portRange: UNKNOWN_SENTINEL,
            policy: UNKNOWN_SENTINEL,
            priority: UNKNOWN_SENTINEL,
            nicType: unread.nicType ?? UNKNOWN_SENTINEL,
            cidrIp: UNKNOWN_SENTINEL,
            description: `${UNREAD_RULES_DESCRIPTION}no ${DESCRIBE_SECURITY_GROUP_ATTRIBUTE.command} response for them`,
        };
        const key = `unread-${unread.direction}${unread.nicType ? `-${unread.nicType}` : ""}`;
        resources.push(
            resourceOf(
                urnOf(record.region, SECURITY_GROUP_RULE_TYPE, `${record.id}/${key}`),
                SECURITY_GROUP_RULE_TYPE,
                `${unread.what} of ${groupName}`,
                props,
                key,
            ),
        );
    }
    return resources;
}

interface UnreadPart {
    readonly direction: "ingress" | "egress";
    readonly nicType?: "internet" | "intranet";
    readonly what: string;
}

/**
 * The rules of a group that were not read, each standing as one rule of unknown content, so that they can only
 * make a judgement uncertain, never close what known rules open. A group without a response has unknown rules
 * in both directions. A classic-network group needs one call per NIC type: read once, the NIC type its rules
 * do not show is unknown.
 */
function unreadParts(record: GroupRecord, rules: readonly Record<string, unknown>[]): UnreadPart[] {
    if (record.responses === 0) {
        return [
            { direction: "ingress", what: "ingress rules" },
            { direction: "egress", what: "egress rules" },
        ];
    }
    const vpc = text(record.listed ?? {}, "VpcId") ?? text(record.described ?? {}, "VpcId");
    if (vpc !== undefined || record.responses > 1) {
        return [];
    }
    const seen = new Set(rules.map((rule) => rule.nicType));
    return (["internet", "intranet"] as const)
        .filter((nicType) => !seen.has(nicType))
        .flatMap((nicType) => [
            { direction: "ingress" as const, nicType, what: `${nicType} ingress rules` },
            { direction: "egress" as const, nicType, what: `${nicType} egress rules` },
        ]);
}
