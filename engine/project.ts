import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { GateError, errorMessage } from "./errors";
import { MAX_ENVIRONMENT_STRING_BYTES, parseBounded, readBoundedFile } from "./inputLimits";

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
    /** Defaults to `dev`. */
    readonly stack?: string;
    /** `KEY=VALUE` pairs from `--config`; a bare key goes to the project's namespace, as with `pulumi config set`. */
    readonly config?: readonly string[];
    readonly organization?: string;
    /** Stack config file read instead of `Pulumi.<stack>.yaml`, as the CLI's `--config-file`. */
    readonly configFile?: string;
    /**
     * Secret config values given without the command line (`ALICLOUD_SG_SECRET_CONFIG`), keyed as `--config`
     * keys: each is a secret key, and may give the value of a `secure:` key the gate cannot decrypt.
     */
    readonly secretConfig?: Readonly<Record<string, unknown>>;
}

/** The environment variable holding secret config values as a YAML or JSON mapping. */
const SECRET_CONFIG_ENV = "ALICLOUD_SG_SECRET_CONFIG";

const DEFAULT_STACK = "dev";
export const DEFAULT_ORGANIZATION = "organization";

function readYaml(file: string, kind: GateError["kind"] = "project"): unknown {
    const text = readBoundedFile(file, file, kind);
    try {
        return parseBounded(text, (t) => YAML.parse(t), file, kind);
    } catch (err) {
        if (err instanceof GateError) {
            throw err;
        }
        throw new GateError(kind, `${file} is not valid YAML: ${errorMessage(err)}`);
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

function describeYamlType(value: unknown): string {
    return Array.isArray(value) ? "a list" : value === null ? "null" : `a ${typeof value}`;
}

/** The config must fit the one environment string that carries it to the program (and to each pack). */
function checkConfigSize(config: Record<string, string>): void {
    const bytes = Buffer.byteLength(`PULUMI_CONFIG=${JSON.stringify(config)}`) + 1;
    if (bytes <= MAX_ENVIRONMENT_STRING_BYTES) {
        return;
    }
    const largest = Object.entries(config)
        .sort(([, a], [, b]) => Buffer.byteLength(b) - Buffer.byteLength(a))
        .slice(0, 3)
        .map(([key, value]) => `${key} (${Buffer.byteLength(value)} bytes)`);
    throw new GateError(
        "config",
        `stack config takes ${bytes} bytes as PULUMI_CONFIG, the environment variable that carries it to the ` +
            `program as the language host passes it; Linux allows ${MAX_ENVIRONMENT_STRING_BYTES} bytes per ` +
            `variable (largest keys: ${largest.join(", ")})`,
    );
}

/**
 * Secret config values from {@link SECRET_CONFIG_ENV}: a YAML (or JSON) mapping of `--config` keys to values.
 * The environment of a process is readable only by its user, unlike its command line.
 */
export function secretConfigFromEnvironment(
    env: NodeJS.ProcessEnv = process.env,
): Record<string, unknown> | undefined {
    const text = env[SECRET_CONFIG_ENV];
    if (text === undefined || text.trim() === "") {
        return undefined;
    }
    if (Buffer.byteLength(text) > MAX_ENVIRONMENT_STRING_BYTES) {
        throw new GateError(
            "config",
            `${SECRET_CONFIG_ENV} is larger than ${MAX_ENVIRONMENT_STRING_BYTES} bytes`,
        );
    }
    let parsed: unknown;
    try {
        parsed = parseBounded(text, (t) => YAML.parse(t), SECRET_CONFIG_ENV, "config");
    } catch (err) {
        if (err instanceof GateError) {
            throw err;
        }
        // The value itself is secret: name only where it went wrong, never what it holds.
        throw new GateError(
            "config",
            `${SECRET_CONFIG_ENV} is not a YAML or JSON mapping of config keys to values`,
        );
    }
    if (!isRecord(parsed)) {
        throw new GateError(
            "config",
            `${SECRET_CONFIG_ENV} must be a YAML or JSON mapping of config keys to values (got ${describeYamlType(parsed)})`,
        );
    }
    return parsed;
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
    if (doc.config !== undefined && doc.config !== null && !isRecord(doc.config)) {
        throw new GateError(
            "config",
            `${projectFile}: config must be a mapping of keys to declarations (got ${describeYamlType(doc.config)})`,
        );
    }
    if (isRecord(doc.config)) {
        for (const [key, declaration] of Object.entries(doc.config)) {
            const value = isRecord(declaration) ? (declaration.default ?? declaration.value) : declaration;
            if (value !== undefined) {
                config[namespacedKey(key, name)] = configString(value);
            }
        }
    }

    const stackFile = options.configFile
        ? path.resolve(options.configFile)
        : path.join(dir, `Pulumi.${stack}.yaml`);
    const undecryptable: string[] = [];
    if (options.configFile !== undefined && !fs.existsSync(stackFile)) {
        throw new GateError("arguments", `--config-file ${options.configFile}: no such file`);
    }
    if (fs.existsSync(stackFile)) {
        const stackDoc = readYaml(stackFile, "config");
        if (stackDoc !== null && stackDoc !== undefined && !isRecord(stackDoc)) {
            throw new GateError(
                "config",
                `${stackFile}: a stack config file must be a YAML mapping with a config key (got ${describeYamlType(stackDoc)})`,
            );
        }
        const stackConfig = isRecord(stackDoc) ? stackDoc.config : undefined;
        if (stackConfig !== undefined && stackConfig !== null && !isRecord(stackConfig)) {
            throw new GateError(
                "config",
                `${stackFile}: config must be a mapping of keys to values (got ${describeYamlType(stackConfig)})`,
            );
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
    }
    // No stack file: the stack has no config of its own, as under the CLI (where the file is optional too).

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
    for (const [key, value] of Object.entries(options.secretConfig ?? {})) {
        const fullKey = namespacedKey(key, name);
        config[fullKey] = configString(value);
        secretKeys.add(fullKey);
        const index = undecryptable.indexOf(fullKey);
        if (index >= 0) {
            undecryptable.splice(index, 1);
        }
    }
    if (undecryptable.length > 0) {
        throw new GateError(
            "config",
            `${stackFile}: secure config ${undecryptable.join(", ")} cannot be decrypted offline; ` +
                `give its value in ${SECRET_CONFIG_ENV} (a YAML mapping: ` +
                `${undecryptable[0].split(":").slice(1).join(":")}: VALUE), which keeps it off the command line, ` +
                `or with --config ${undecryptable[0].split(":").slice(1).join(":")}=VALUE`,
        );
    }
    checkConfigSize(config);
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
