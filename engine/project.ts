import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { GateError, errorMessage } from "./errors";

/** A Pulumi project and stack, resolved the way the CLI resolves them before it starts the language host. */
export interface ProjectSettings {
    /** Absolute directory holding `Pulumi.yaml`; the program's working directory. */
    readonly dir: string;
    readonly name: string;
    readonly stack: string;
    readonly organization: string;
    /** Absolute path of the program entry: `main` from `Pulumi.yaml`, else the project directory. */
    readonly program: string;
    /** Stack config as `PULUMI_CONFIG` carries it: `<namespace>:<key>` → string (structured values as JSON). */
    readonly config: Record<string, string>;
    /** Config keys that are secrets (`PULUMI_CONFIG_SECRET_KEYS`). */
    readonly secretKeys: string[];
}

export interface ProjectOptions {
    readonly stack?: string;
    /** `KEY=VALUE` pairs from `--config`; a bare key goes to the project's namespace, as with `pulumi config set`. */
    readonly config?: readonly string[];
    readonly organization?: string;
}

export const DEFAULT_STACK = "dev";
const DEFAULT_ORGANIZATION = "organization";

function readYaml(file: string): unknown {
    try {
        return YAML.parse(fs.readFileSync(file, "utf8"));
    } catch (err) {
        throw new GateError("project", `${file} is not valid YAML: ${errorMessage(err)}`);
    }
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Config keys are namespaced by the project unless they already name one, as `pulumi config` does. */
function namespacedKey(key: string, project: string): string {
    return key.includes(":") ? key : `${project}:${key}`;
}

/** The language host passes every config value as a string; structured values travel as JSON. */
function configString(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

export function loadProject(projectDir: string, options: ProjectOptions = {}): ProjectSettings {
    const dir = path.resolve(projectDir);
    const projectFile = ["Pulumi.yaml", "Pulumi.yml"]
        .map((f) => path.join(dir, f))
        .find((f) => fs.existsSync(f));
    if (!projectFile) {
        throw new GateError(
            "project",
            `no Pulumi.yaml in ${dir}: PROJECT_DIR must be a Pulumi project directory`,
        );
    }
    const doc = readYaml(projectFile);
    if (!isRecord(doc)) {
        throw new GateError("project", `${projectFile} must be a YAML mapping with name and runtime`);
    }
    const name = doc.name;
    if (typeof name !== "string" || name.length === 0) {
        throw new GateError(
            "project",
            `${projectFile}: name must be a non-empty string (got ${JSON.stringify(name)})`,
        );
    }
    const runtime = isRecord(doc.runtime) ? doc.runtime.name : doc.runtime;
    if (runtime !== "nodejs") {
        throw new GateError(
            "project",
            `${projectFile}: runtime must be nodejs, the only runtime the gate runs (got ${JSON.stringify(runtime)})`,
        );
    }
    if (doc.main !== undefined && typeof doc.main !== "string") {
        throw new GateError(
            "project",
            `${projectFile}: main must be a path (got ${JSON.stringify(doc.main)})`,
        );
    }
    const program = path.resolve(dir, typeof doc.main === "string" ? doc.main : ".");
    if (!fs.existsSync(program)) {
        throw new GateError(
            "project",
            `${projectFile}: main ${JSON.stringify(doc.main)} does not exist (${program})`,
        );
    }

    const stack = options.stack ?? DEFAULT_STACK;
    if (!/^[A-Za-z0-9_.-]+$/.test(stack)) {
        throw new GateError(
            "arguments",
            `--stack must be a stack name of letters, digits, - _ . (got "${stack}")`,
        );
    }
    const config: Record<string, string> = {};
    const secretKeys = new Set<string>();

    // Project-level config declarations (`config: {key: {default: ...}}` or `key: value`) come first.
    if (isRecord(doc.config)) {
        for (const [key, declaration] of Object.entries(doc.config)) {
            const value = isRecord(declaration) ? (declaration.default ?? declaration.value) : declaration;
            if (value !== undefined) {
                config[namespacedKey(key, name)] = configString(value);
            }
        }
    }

    const stackFile = path.join(dir, `Pulumi.${stack}.yaml`);
    const undecryptable: string[] = [];
    if (fs.existsSync(stackFile)) {
        const stackDoc = readYaml(stackFile);
        const stackConfig = isRecord(stackDoc) ? stackDoc.config : undefined;
        if (stackConfig !== undefined && stackConfig !== null && !isRecord(stackConfig)) {
            throw new GateError("config", `${stackFile}: config must be a mapping of keys to values`);
        }
        for (const [key, value] of Object.entries(stackConfig ?? {})) {
            const fullKey = namespacedKey(key, name);
            if (isRecord(value) && typeof value.secure === "string" && Object.keys(value).length === 1) {
                // Decrypting needs the stack's secrets provider; a value given on the command line replaces it.
                undecryptable.push(fullKey);
                secretKeys.add(fullKey);
                continue;
            }
            config[fullKey] = configString(value);
        }
    } else if (options.stack !== undefined) {
        throw new GateError("config", `--stack ${stack}: no ${path.basename(stackFile)} in ${dir}`);
    }

    for (const pair of options.config ?? []) {
        const eq = pair.indexOf("=");
        if (eq <= 0) {
            throw new GateError("arguments", `--config must be KEY=VALUE (got "${pair}")`);
        }
        const fullKey = namespacedKey(pair.slice(0, eq), name);
        config[fullKey] = pair.slice(eq + 1);
        const index = undecryptable.indexOf(fullKey);
        if (index >= 0) {
            undecryptable.splice(index, 1);
        }
    }
    if (undecryptable.length > 0) {
        throw new GateError(
            "config",
            `${stackFile}: secure config ${undecryptable.join(", ")} cannot be decrypted offline; ` +
                `give a value with --config ${undecryptable[0].split(":").slice(1).join(":")}=VALUE`,
        );
    }
    return {
        dir,
        name,
        stack,
        organization: options.organization ?? DEFAULT_ORGANIZATION,
        program,
        config,
        secretKeys: [...secretKeys],
    };
}
