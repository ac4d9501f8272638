import * as fs from "node:fs";
import * as path from "node:path";
import * as prettier from "prettier";
import * as ts from "typescript";
import type { ProviderGroupField } from "../core/members/providerFields";

/**
 * Reads the installed `@pulumi/alicloud`'s own declarations and lists every input property, at any depth, of
 * every resource type whose name speaks of security groups (`securityGroupId`, `securityGroupIds`,
 * `securityGroups`, `networkInterfaces[].securityGroupId`, `kibanaPrivateSecurityGroupId`, ...).
 *
 * `npm run docs:members` writes the list to `core/members/providerFields.ts`; tests/core/memberCatalog.test.ts
 * scans again and fails when the committed list is stale (a provider upgrade) or when a field of the list is
 * neither modelled by `core/members/catalog.ts` nor excluded there with a reason.
 *
 * Only syntax is read (no type checker), so the scan takes about a second: a resource is a
 * `declare class X extends pulumi.CustomResource` with an `XArgs` interface, its type token is the
 * `__pulumiType` its JavaScript registers, and nested inputs are `inputs.<module>.<Name>` interfaces of
 * `types/input.d.ts`.
 */

const MATCH = /securitygroup/i;

interface PropertyInfo {
    readonly name: string;
    readonly type: ts.TypeNode | undefined;
    readonly deprecated: boolean;
    readonly doc: string;
}

/** The property's JSDoc text, on one line. */
function docOf(node: ts.Node): string {
    const comments = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
    return comments
        .map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? "")
        .join(" ")
        .replace(/\s+/g, " ")
        .trim();
}

function isDeprecated(node: ts.Node): boolean {
    return ts.getJSDocTags(node).some((tag) => tag.tagName.text === "deprecated");
}

function propertiesOf(node: ts.InterfaceDeclaration): PropertyInfo[] {
    return node.members.flatMap((member) =>
        ts.isPropertySignature(member) && member.name && ts.isIdentifier(member.name)
            ? [
                  {
                      name: member.name.text,
                      type: member.type,
                      deprecated: isDeprecated(member),
                      doc: docOf(member),
                  },
              ]
            : [],
    );
}

/** What a declared input type is, with `pulumi.Input<>`, unions with undefined and parentheses peeled off. */
type Shape =
    | { readonly kind: "scalar"; readonly text: string }
    | { readonly kind: "list"; readonly item: Shape }
    | { readonly kind: "object"; readonly ref: string }
    | { readonly kind: "other"; readonly text: string };

function shapeOf(node: ts.TypeNode | undefined, source: ts.SourceFile): Shape {
    if (!node) {
        return { kind: "other", text: "any" };
    }
    if (ts.isParenthesizedTypeNode(node)) {
        return shapeOf(node.type, source);
    }
    if (ts.isUnionTypeNode(node)) {
        const parts = node.types.filter(
            (part) =>
                part.kind !== ts.SyntaxKind.UndefinedKeyword &&
                !(ts.isLiteralTypeNode(part) && part.literal.kind === ts.SyntaxKind.NullKeyword),
        );
        return parts.length === 1 ? shapeOf(parts[0], source) : { kind: "other", text: node.getText(source) };
    }
    if (ts.isArrayTypeNode(node)) {
        return { kind: "list", item: shapeOf(node.elementType, source) };
    }
    if (ts.isTypeReferenceNode(node)) {
        const name = node.typeName.getText(source);
        if (name === "pulumi.Input" && node.typeArguments?.length === 1) {
            return shapeOf(node.typeArguments[0], source);
        }
        if (name.startsWith("inputs.")) {
            return { kind: "object", ref: name.slice("inputs.".length) };
        }
        return { kind: "other", text: name };
    }
    if (node.kind === ts.SyntaxKind.StringKeyword) {
        return { kind: "scalar", text: "string" };
    }
    return { kind: "other", text: node.getText(source) };
}

function typeText(shape: Shape): string {
    switch (shape.kind) {
        case "scalar":
        case "other":
            return shape.text;
        case "list":
            return `${typeText(shape.item)}[]`;
        case "object":
            return shape.ref;
    }
}

/** The nested input interfaces of `types/input.d.ts`, by `<module>.<Name>` (or `<Name>` at top level). */
function readInputTypes(file: string): Map<string, { node: ts.InterfaceDeclaration; source: ts.SourceFile }> {
    const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
    const found = new Map<string, { node: ts.InterfaceDeclaration; source: ts.SourceFile }>();
    const visit = (statements: readonly ts.Statement[], prefix: string) => {
        for (const statement of statements) {
            if (ts.isInterfaceDeclaration(statement)) {
                found.set(prefix + statement.name.text, { node: statement, source });
            } else if (
                ts.isModuleDeclaration(statement) &&
                statement.body &&
                ts.isModuleBlock(statement.body)
            ) {
                visit(statement.body.statements, `${prefix}${statement.name.getText(source)}.`);
            }
        }
    };
    visit(source.statements, "");
    return found;
}

interface Found {
    readonly path: string;
    readonly valueType: string;
    readonly deprecated: boolean;
    readonly doc: string;
}

/** Walks one interface's properties, descending into nested input objects (lists of them marked `[]`). */
function walk(
    properties: readonly PropertyInfo[],
    source: ts.SourceFile,
    inputs: ReturnType<typeof readInputTypes>,
    prefix: string,
    deprecated: boolean,
    seen: ReadonlySet<string>,
    matches: (name: string) => boolean = (name) => MATCH.test(name),
): Found[] {
    const found: Found[] = [];
    for (const property of properties) {
        const shape = shapeOf(property.type, source);
        const here = `${prefix}${property.name}`;
        const gone = deprecated || property.deprecated;
        const nested =
            shape.kind === "object"
                ? { ref: shape.ref, list: false }
                : shape.kind === "list" && shape.item.kind === "object"
                  ? { ref: shape.item.ref, list: true }
                  : undefined;
        if (nested) {
            const target = inputs.get(nested.ref);
            if (target && !seen.has(nested.ref)) {
                found.push(
                    ...walk(
                        propertiesOf(target.node),
                        target.source,
                        inputs,
                        `${here}${nested.list ? "[]" : ""}.`,
                        gone,
                        new Set([...seen, nested.ref]),
                        matches,
                    ),
                );
            }
            continue;
        }
        if (matches(property.name)) {
            found.push({ path: here, valueType: typeText(shape), deprecated: gone, doc: property.doc });
        }
    }
    return found;
}

/** The provider's own words on a field, cut to its first sentence. */
function firstSentence(doc: string): string {
    const end = doc.search(/\.(\s|$)/);
    const sentence = end >= 0 ? doc.slice(0, end + 1) : doc;
    return sentence.length > 200 ? `${sentence.slice(0, 199)}…` : sentence;
}

function typeTokenOf(jsFile: string, className: string): string | undefined {
    if (!fs.existsSync(jsFile)) {
        return undefined;
    }
    const text = fs.readFileSync(jsFile, "utf8");
    const match = new RegExp(
        `${className}\\.__pulumiType\\s*=\\s*'([^']+)'|static __pulumiType = '([^']+)'`,
    ).exec(text);
    return match?.[1] ?? match?.[2];
}

/** The directory of the `@pulumi/alicloud` this repository resolves. */
export function installedProviderDir(): string {
    return path.dirname(require.resolve("@pulumi/alicloud/package.json"));
}

export function installedProviderVersion(dir: string = installedProviderDir()): string {
    return (JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { version: string })
        .version;
}

/** Every resource input property of the provider in `dir` that names security groups, sorted by type and path. */
export function scanProvider(dir: string = installedProviderDir()): ProviderGroupField[] {
    return scanResources(dir, (name) => MATCH.test(name));
}

/**
 * Every input path (nested objects descended into) of the given resource types: what the catalog's network and
 * member fields may name. The catalog test checks each path it reads against this, so a misspelt path fails.
 */
export function scanInputPaths(
    types: ReadonlySet<string>,
    dir: string = installedProviderDir(),
): Map<string, Set<string>> {
    const paths = new Map<string, Set<string>>();
    for (const field of scanResources(dir, () => true, types)) {
        paths.set(field.type, (paths.get(field.type) ?? new Set()).add(field.path));
    }
    return paths;
}

function scanResources(
    dir: string,
    matches: (name: string) => boolean,
    onlyTypes?: ReadonlySet<string>,
): ProviderGroupField[] {
    const inputs = readInputTypes(path.join(dir, "types", "input.d.ts"));
    // Names of nested inputs that contain a matching property somewhere below them: only a resource file that
    // mentions one of them (or matches itself) needs parsing.
    const matching = new Set<string>();
    for (const [name, { node, source }] of inputs) {
        if (walk(propertiesOf(node), source, inputs, "", false, new Set([name]), matches).length > 0) {
            matching.add(name);
        }
    }
    const modules = fs
        .readdirSync(dir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && entry.name !== "types" && entry.name !== "node_modules");
    const files = [
        ...fs.readdirSync(dir).map((name) => ({ module: "", file: path.join(dir, name) })),
        ...modules.flatMap((entry) =>
            fs.readdirSync(path.join(dir, entry.name)).map((name) => ({
                module: entry.name,
                file: path.join(dir, entry.name, name),
            })),
        ),
    ].filter(({ file }) => file.endsWith(".d.ts") && !path.basename(file).startsWith("index."));
    const fields: ProviderGroupField[] = [];
    for (const { module, file } of files) {
        const text = fs.readFileSync(file, "utf8");
        if (!/extends pulumi\.CustomResource/.test(text)) {
            continue;
        }
        if (
            !onlyTypes &&
            !MATCH.test(text) &&
            ![...matching].some((name) => text.includes(`inputs.${name}`))
        ) {
            continue;
        }
        const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
        for (const statement of source.statements) {
            if (!ts.isClassDeclaration(statement) || !statement.name) {
                continue;
            }
            const className = statement.name.text;
            const args = source.statements.find(
                (s): s is ts.InterfaceDeclaration =>
                    ts.isInterfaceDeclaration(s) && s.name.text === `${className}Args`,
            );
            const type = typeTokenOf(file.replace(/\.d\.ts$/, ".js"), className);
            if (!args || !type || (onlyTypes && !onlyTypes.has(type))) {
                continue;
            }
            const deprecatedClass = isDeprecated(statement);
            for (const found of walk(propertiesOf(args), source, inputs, "", false, new Set(), matches)) {
                fields.push({
                    type,
                    className: module ? `${module}.${className}` : className,
                    path: found.path,
                    valueType: found.valueType,
                    deprecated: found.deprecated || deprecatedClass,
                    doc: firstSentence(found.doc),
                });
            }
        }
    }
    return fields.sort((a, b) => a.type.localeCompare(b.type) || a.path.localeCompare(b.path));
}

/** The generated module's text: the scan, sorted, as a typed constant, formatted as the repository's Prettier does. */
export async function renderProviderFields(
    version: string,
    fields: readonly ProviderGroupField[],
): Promise<string> {
    const text = [
        `// Generated by \`npm run docs:members\` (scripts/member-catalog.ts) from @pulumi/alicloud ${version}: every`,
        "// input property of every resource type that names security groups. Do not edit; the catalog",
        "// (catalog.ts) models or excludes each one, and tests/core/memberCatalog.test.ts fails when this is stale.",
        "",
        // Internal to the repository: stripped from the published types (tsconfig.build.json's stripInternal).
        "/**",
        " * One property path of a resource type's inputs that names security groups.",
        " * @internal",
        " */",
        "export interface ProviderGroupField {",
        "    /** The type token, e.g. `alicloud:ecs/instance:Instance`. */",
        "    readonly type: string;",
        "    /** Where the class lives in the SDK, e.g. `ecs.Instance`. */",
        "    readonly className: string;",
        "    /** `securityGroups`, `networkInterfaces.securityGroupIds`; `[]` marks a list of objects. */",
        "    readonly path: string;",
        "    /** `string` for one value, `string[]` for a list, else the declared type. */",
        "    readonly valueType: string;",
        "    /** True when the provider marks the property, an enclosing one or the resource `@deprecated`. */",
        "    readonly deprecated: boolean;",
        "    /** The first sentence of the provider's documentation of the property. */",
        "    readonly doc: string;",
        "}",
        "",
        "/** @internal */",
        `export const PROVIDER_VERSION = ${JSON.stringify(version)};`,
        "",
        "/** @internal */",
        `export const PROVIDER_GROUP_FIELDS: readonly ProviderGroupField[] = ${JSON.stringify(fields, null, 4)};`,
        "",
    ].join("\n");
    const options = (await prettier.resolveConfig(PROVIDER_FIELDS_FILE)) ?? {};
    return prettier.format(text, { ...options, filepath: PROVIDER_FIELDS_FILE });
}

export const PROVIDER_FIELDS_FILE = path.resolve(__dirname, "..", "core", "members", "providerFields.ts");

if (require.main === module) {
    const started = Date.now();
    const fields = scanProvider();
    renderProviderFields(installedProviderVersion(), fields).then(
        (text) => {
            fs.writeFileSync(PROVIDER_FIELDS_FILE, text);
            console.log(
                `Wrote ${fields.length} fields of ${new Set(fields.map((f) => f.type)).size} resource types to ${path.relative(process.cwd(), PROVIDER_FIELDS_FILE)} in ${Date.now() - started} ms`,
            );
        },
        (err: unknown) => {
            process.stderr.write(`member-catalog: ${err instanceof Error ? err.message : String(err)}\n`);
            process.exitCode = 1;
        },
    );
}
