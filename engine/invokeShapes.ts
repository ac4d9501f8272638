/**
 * The result shape of a provider function (a data source), read from the provider package's own TypeScript
 * declarations: `getZones.d.ts` declares `getZones(...): Promise<GetZonesResult>`, and `GetZonesResult` names
 * `outputs.GetZonesZone[]` in `types/output.d.ts`. A promise-form call answered offline needs a value of that
 * shape for `zones[0].id` to work; nothing here invents the values themselves (see `placeholders.ts`).
 *
 * Declarations are parsed with the TypeScript the program runs with (the project's, else the one `@pulumi/pulumi`
 * vendors), so any provider whose declarations are installed gets the same treatment, at whatever version the
 * project has.
 */
import * as fs from "fs";
import * as path from "path";
import type * as TS from "typescript";

export type Shape =
    | { readonly kind: "string" }
    | { readonly kind: "number" }
    | { readonly kind: "boolean" }
    /** `any` and `unknown`: nothing to build. */
    | { readonly kind: "opaque" }
    | { readonly kind: "list"; readonly element: Shape }
    | { readonly kind: "object"; readonly fields: Readonly<Record<string, Shape>> }
    | { readonly kind: "map"; readonly value: Shape };

export type ShapeLookup =
    | { readonly shape: Shape; readonly declaration: string }
    | { readonly shape?: undefined; readonly problem: string };

type Ts = typeof TS;

/** A declaration found by name, with the file and namespace it must be read in. */
interface Scope {
    readonly file: string;
    /** Statements visible by plain name: the file's, or a namespace body's followed by the file's. */
    readonly statements: readonly TS.Statement[];
}

const MAX_DEPTH = 24;

export class DeclarationShapes {
    private readonly ts: Ts;
    private readonly files = new Map<string, TS.SourceFile | null>();

    /** @param typescript the `typescript` module the program runs with (any version from 3.8). */
    constructor(typescript: object) {
        this.ts = typescript as Ts;
    }

    /**
     * The shape of what the promise form of the data source `functionName`, declared beside the JavaScript file
     * `jsFile` that called the SDK, resolves to.
     */
    resultOf(jsFile: string, functionName: string | undefined): ShapeLookup {
        const declarationFile = jsFile.replace(/\.[cm]?js$/, ".d.ts");
        const source = this.parse(declarationFile);
        if (!source) {
            return { problem: `no declaration file ${declarationFile}` };
        }
        const ts = this.ts;
        const candidates = source.statements.filter(
            (statement): statement is TS.FunctionDeclaration =>
                ts.isFunctionDeclaration(statement) &&
                statement.name !== undefined &&
                promised(ts, statement.type) !== undefined,
        );
        const declaration =
            candidates.find((candidate) => candidate.name?.text === functionName) ??
            (candidates.length === 1 ? candidates[0] : undefined);
        const resultType = declaration && promised(ts, declaration.type);
        if (!declaration || !resultType) {
            return {
                problem: `${declarationFile} declares no function ${functionName ?? "(unnamed)"} returning a Promise`,
            };
        }
        try {
            const shape = this.shapeOf(
                resultType,
                { file: declarationFile, statements: source.statements },
                [],
            );
            return { shape, declaration: `${declarationFile}#${declaration.name?.text}` };
        } catch (err) {
            return { problem: (err as Error).message };
        }
    }

    private parse(file: string): TS.SourceFile | null {
        let source = this.files.get(file);
        if (source === undefined) {
            source = fs.existsSync(file)
                ? this.ts.createSourceFile(file, fs.readFileSync(file, "utf8"), this.ts.ScriptTarget.ES2015)
                : null;
            this.files.set(file, source);
        }
        return source;
    }

    private shapeOf(node: TS.TypeNode, scope: Scope, visiting: readonly TS.Node[]): Shape {
        const ts = this.ts;
        if (visiting.length > MAX_DEPTH) {
            return { kind: "object", fields: {} };
        }
        switch (node.kind) {
            case ts.SyntaxKind.StringKeyword:
                return { kind: "string" };
            case ts.SyntaxKind.NumberKeyword:
            case ts.SyntaxKind.BigIntKeyword:
                return { kind: "number" };
            case ts.SyntaxKind.BooleanKeyword:
                return { kind: "boolean" };
            case ts.SyntaxKind.AnyKeyword:
            case ts.SyntaxKind.UnknownKeyword:
            case ts.SyntaxKind.ObjectKeyword:
                return { kind: "opaque" };
        }
        if (ts.isParenthesizedTypeNode(node) || ts.isTypeOperatorNode(node)) {
            return this.shapeOf(node.type, scope, visiting);
        }
        if (ts.isArrayTypeNode(node)) {
            return { kind: "list", element: this.shapeOf(node.elementType, scope, visiting) };
        }
        if (ts.isLiteralTypeNode(node)) {
            const literal = node.literal;
            if (ts.isStringLiteral(literal) || ts.isNoSubstitutionTemplateLiteral(literal)) {
                return { kind: "string" };
            }
            if (ts.isNumericLiteral(literal) || ts.isPrefixUnaryExpression(literal)) {
                return { kind: "number" };
            }
            if (literal.kind === ts.SyntaxKind.TrueKeyword || literal.kind === ts.SyntaxKind.FalseKeyword) {
                return { kind: "boolean" };
            }
            return { kind: "opaque" };
        }
        if (ts.isUnionTypeNode(node)) {
            // `string | undefined`, `"a" | "b"`: the first member that carries a value.
            const members = node.types.filter(
                (member) =>
                    member.kind !== ts.SyntaxKind.UndefinedKeyword &&
                    member.kind !== ts.SyntaxKind.NullKeyword &&
                    !(ts.isLiteralTypeNode(member) && member.literal.kind === ts.SyntaxKind.NullKeyword),
            );
            return members.length > 0 ? this.shapeOf(members[0], scope, visiting) : { kind: "opaque" };
        }
        if (ts.isTypeLiteralNode(node)) {
            return this.membersShape(node.members, scope, visiting);
        }
        if (ts.isTypeReferenceNode(node)) {
            return this.referenceShape(node, scope, visiting);
        }
        throw new Error(
            `${scope.file}: cannot read the type ${node.getText(node.getSourceFile())} (syntax kind ${node.kind})`,
        );
    }

    private membersShape(
        members: readonly TS.TypeElement[],
        scope: Scope,
        visiting: readonly TS.Node[],
    ): Shape {
        const ts = this.ts;
        const index = members.find(ts.isIndexSignatureDeclaration);
        if (index?.type) {
            return { kind: "map", value: this.shapeOf(index.type, scope, visiting) };
        }
        const fields: Record<string, Shape> = {};
        for (const member of members) {
            if (ts.isPropertySignature(member) && member.type) {
                fields[propertyName(ts, member.name)] = this.shapeOf(member.type, scope, visiting);
            }
        }
        return { kind: "object", fields };
    }

    private referenceShape(node: TS.TypeReferenceNode, scope: Scope, visiting: readonly TS.Node[]): Shape {
        return this.namedShape(
            entityNames(this.ts, node.typeName),
            node.typeArguments ?? [],
            scope,
            visiting,
        );
    }

    private namedShape(
        names: readonly string[],
        typeArguments: readonly TS.TypeNode[],
        scope: Scope,
        visiting: readonly TS.Node[],
    ): Shape {
        const ts = this.ts;
        if (names.length === 1 && (names[0] === "Array" || names[0] === "ReadonlyArray")) {
            return { kind: "list", element: this.argument(typeArguments, 0, scope, visiting) };
        }
        if (names.length === 1 && names[0] === "Record") {
            return { kind: "map", value: this.argument(typeArguments, 1, scope, visiting) };
        }
        const found = this.resolve(names, scope);
        if (!found) {
            throw new Error(`${scope.file}: cannot resolve the type ${names.join(".")}`);
        }
        if (visiting.includes(found.declaration)) {
            // A recursive type: the placeholder stops here.
            return { kind: "object", fields: {} };
        }
        const inner = [...visiting, found.declaration];
        const declaration = found.declaration;
        if (ts.isInterfaceDeclaration(declaration)) {
            const own = this.membersShape(declaration.members, found.scope, inner);
            const inherited = (declaration.heritageClauses ?? [])
                .flatMap((clause) => clause.types)
                .map((base) =>
                    this.namedShape(
                        expressionNames(ts, base.expression),
                        base.typeArguments ?? [],
                        found.scope,
                        inner,
                    ),
                );
            const fields: Record<string, Shape> = {};
            for (const shape of [...inherited, own]) {
                if (shape.kind === "object") {
                    Object.assign(fields, shape.fields);
                }
            }
            return own.kind === "map" ? own : { kind: "object", fields };
        }
        if (ts.isTypeAliasDeclaration(declaration)) {
            return this.shapeOf(declaration.type, found.scope, inner);
        }
        if (ts.isEnumDeclaration(declaration)) {
            const first = declaration.members[0]?.initializer;
            return first && ts.isNumericLiteral(first) ? { kind: "number" } : { kind: "string" };
        }
        throw new Error(`${scope.file}: ${names.join(".")} is not an interface, a type alias or an enum`);
    }

    private argument(
        typeArguments: readonly TS.TypeNode[],
        index: number,
        scope: Scope,
        visiting: readonly TS.Node[],
    ): Shape {
        const argument = typeArguments[index];
        return argument ? this.shapeOf(argument, scope, visiting) : { kind: "opaque" };
    }

    /**
     * `GetZonesZone` in the current scope, `outputs.GetZonesZone` through `import * as outputs from
     * "./types/output"`, `outputs.ecs.GetImagesImage` inside that file's `namespace ecs`.
     */
    private resolve(
        names: readonly string[],
        scope: Scope,
    ): { declaration: TS.Declaration; scope: Scope } | undefined {
        const ts = this.ts;
        const [first, ...rest] = names;
        for (const statement of scope.statements) {
            if (
                (ts.isInterfaceDeclaration(statement) ||
                    ts.isTypeAliasDeclaration(statement) ||
                    ts.isEnumDeclaration(statement)) &&
                statement.name.text === first &&
                rest.length === 0
            ) {
                return { declaration: statement, scope };
            }
            if (ts.isModuleDeclaration(statement) && statement.name.text === first && rest.length > 0) {
                const body = statement.body;
                if (body && ts.isModuleBlock(body)) {
                    const fileStatements = this.parse(scope.file)?.statements ?? [];
                    return this.resolve(rest, {
                        file: scope.file,
                        statements: [...body.statements, ...fileStatements],
                    });
                }
            }
            if (ts.isImportDeclaration(statement) && rest.length > 0) {
                const bindings = statement.importClause?.namedBindings;
                if (
                    bindings &&
                    ts.isNamespaceImport(bindings) &&
                    bindings.name.text === first &&
                    ts.isStringLiteral(statement.moduleSpecifier)
                ) {
                    const target = this.moduleFile(scope.file, statement.moduleSpecifier.text);
                    const source = target ? this.parse(target) : null;
                    if (target && source) {
                        return this.resolve(rest, { file: target, statements: source.statements });
                    }
                }
            }
        }
        return undefined;
    }

    private moduleFile(fromFile: string, specifier: string): string | undefined {
        if (!specifier.startsWith(".")) {
            return undefined;
        }
        const base = path.resolve(path.dirname(fromFile), specifier);
        return [`${base}.d.ts`, path.join(base, "index.d.ts")].find((file) => fs.existsSync(file));
    }
}

/** `T` of a `Promise<T>` return type. */
function promised(ts: Ts, type: TS.TypeNode | undefined): TS.TypeNode | undefined {
    if (
        type &&
        ts.isTypeReferenceNode(type) &&
        ts.isIdentifier(type.typeName) &&
        type.typeName.text === "Promise" &&
        type.typeArguments?.length === 1
    ) {
        return type.typeArguments[0];
    }
    return undefined;
}

function entityNames(ts: Ts, name: TS.EntityName): string[] {
    return ts.isIdentifier(name) ? [name.text] : [...entityNames(ts, name.left), name.right.text];
}

function expressionNames(ts: Ts, expression: TS.Expression): string[] {
    if (ts.isIdentifier(expression)) {
        return [expression.text];
    }
    if (ts.isPropertyAccessExpression(expression)) {
        return [...expressionNames(ts, expression.expression), expression.name.text];
    }
    return [expression.getText()];
}

function propertyName(ts: Ts, name: TS.PropertyName): string {
    return ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)
        ? name.text
        : name.getText();
}
