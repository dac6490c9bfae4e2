/**
 * The layout's rules, checked on the source's real import graph (parsed with the TypeScript compiler,
 * so `import type` and `export type` are told apart from imports that run):
 * - core never imports a resource folder, and no resource folder imports another;
 * - the pure modules (inputs, planning, result shaping, error classification) import at run time only
 *   other pure modules, never I/O (client, settings, coordinator, log, ...) or a package;
 * - there is no import cycle.
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

const ROOT = path.resolve(__dirname, "../../provider");
const RESOURCE_FOLDERS = ["approval", "service", "lookup"];
/** Faces over the resources (the provider plugin): they may import resource folders; nothing imports them. */
const FACE_FOLDERS = ["plugin"];

/** Modules with no I/O, no clock and no process state: the logic tested exhaustively by the unit tests. */
const PURE = new Set([
  "core/types.ts",
  "core/target.ts",
  "core/inputs.ts",
  "core/errors.ts",
  "core/busy-window.ts",
  "core/endpoints.ts",
  "core/responses.ts",
  // Settings resolution takes its sources (inputs, stack config, environment) as arguments.
  "core/settings.ts",
  "approval/types.ts",
  "approval/inputs.ts",
  "approval/plan.ts",
  "service/types.ts",
  "service/inputs.ts",
  "service/plan.ts",
  "lookup/types.ts",
  "lookup/inputs.ts",
  "lookup/result.ts",
  "plugin/secrets.ts",
  "plugin/import.ts",
  "plugin/schema.ts",
]);

/** Packages a pure module may load, and why that is still no I/O. */
const PURE_PACKAGE_ALLOWANCE: Record<string, string[]> = {
  // Output.isInstance, to refuse an Output passed to the plain form of the lookup.
  "lookup/inputs.ts": ["@pulumi/pulumi"],
};

interface Edge {
  from: string;
  /** A module under provider/ (relative path with .ts), or a package name. */
  to: string;
  internal: boolean;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith(".ts") ? [full] : [];
  });
}

function resolveInternal(fromFile: string, spec: string): string {
  const base = path.resolve(path.dirname(fromFile), spec);
  for (const candidate of [`${base}.ts`, path.join(base, "index.ts")]) {
    if (fs.existsSync(candidate)) return path.relative(ROOT, candidate).split(path.sep).join("/");
  }
  throw new Error(`${path.relative(ROOT, fromFile)} imports ${spec}, which does not resolve to a file under provider/`);
}

function importsOf(file: string): Edge[] {
  const text = fs.readFileSync(file, "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const from = path.relative(ROOT, file).split(path.sep).join("/");
  const edges: Edge[] = [];
  const add = (spec: string, typeOnly: boolean): void => {
    const internal = spec.startsWith(".");
    edges.push({ from, to: internal ? resolveInternal(file, spec) : spec, internal, typeOnly });
  };
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      const clause = statement.importClause;
      const bindings = clause?.namedBindings;
      const everyNameIsType =
        clause !== undefined && clause.name === undefined && bindings !== undefined && ts.isNamedImports(bindings) &&
        bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
      add(statement.moduleSpecifier.text, clause?.isTypeOnly === true || everyNameIsType);
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)) {
      add(statement.moduleSpecifier.text, statement.isTypeOnly);
    } else if (ts.isImportEqualsDeclaration(statement) && ts.isExternalModuleReference(statement.moduleReference)) {
      const ref = statement.moduleReference.expression;
      if (ts.isStringLiteral(ref)) add(ref.text, statement.isTypeOnly);
    }
  }
  return edges;
}

const files = sourceFiles(ROOT);
const edges = files.flatMap(importsOf);
const folderOf = (module: string): string => (module.includes("/") ? module.split("/")[0] : "(root)");
const describeEdge = (e: Edge): string => `${e.from} -> ${e.to}${e.typeOnly ? " (type)" : ""}`;

describe("provider layout", () => {
  it("parses the real tree: every folder is present and imports were found", () => {
    const folders = new Set(files.map((f) => folderOf(path.relative(ROOT, f).split(path.sep).join("/"))));
    expect([...folders].sort()).toEqual(["(root)", "approval", "core", "lookup", "plugin", "service"]);
    expect(edges.filter((e) => e.internal).length).toBeGreaterThan(50);
    // The parser tells the two kinds apart (approval/handlers.ts has both).
    const handlers = edges.filter((e) => e.from === "approval/handlers.ts");
    expect(handlers.some((e) => e.typeOnly)).toBe(true);
    expect(handlers.some((e) => !e.typeOnly)).toBe(true);
  });

  it("names only modules that exist as pure", () => {
    const present = new Set(files.map((f) => path.relative(ROOT, f).split(path.sep).join("/")));
    expect([...PURE].filter((m) => !present.has(m))).toEqual([]);
  });

  it("core imports no resource folder and no face (not even a type)", () => {
    const upward = edges.filter((e) => e.internal && folderOf(e.from) === "core" && folderOf(e.to) !== "core");
    expect(upward.map(describeEdge)).toEqual([]);
  });

  it("nothing but the face itself imports a face folder", () => {
    const intoFace = edges.filter((e) => e.internal && FACE_FOLDERS.includes(folderOf(e.to)) && folderOf(e.from) !== folderOf(e.to));
    expect(intoFace.map(describeEdge)).toEqual([]);
  });

  it("no resource folder imports another: what two resources share lives in core", () => {
    const across = edges.filter(
      (e) => e.internal && RESOURCE_FOLDERS.includes(folderOf(e.from)) && folderOf(e.to) !== "core" && folderOf(e.to) !== folderOf(e.from),
    );
    expect(across.map(describeEdge)).toEqual([]);
  });

  it("pure modules load at run time only other pure modules", () => {
    const reachesOut = edges.filter((e) => {
      if (!PURE.has(e.from) || e.typeOnly) return false;
      if (e.internal) return !PURE.has(e.to);
      return !(PURE_PACKAGE_ALLOWANCE[e.from] ?? []).includes(e.to);
    });
    expect(reachesOut.map(describeEdge)).toEqual([]);
  });

  it("has no import cycle (type imports included)", () => {
    const next = new Map<string, string[]>();
    for (const e of edges.filter((x) => x.internal)) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
    const cycles: string[] = [];
    const state = new Map<string, "open" | "done">();
    const visit = (module: string, trail: string[]): void => {
      if (state.get(module) === "done") return;
      if (state.get(module) === "open") {
        cycles.push([...trail.slice(trail.indexOf(module)), module].join(" -> "));
        return;
      }
      state.set(module, "open");
      for (const to of next.get(module) ?? []) visit(to, [...trail, module]);
      state.set(module, "done");
    };
    for (const module of next.keys()) visit(module, []);
    expect(cycles).toEqual([]);
  });
});
