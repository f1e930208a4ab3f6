/**
 * Generates the SDK's API reference from its type definitions and TSDoc, with
 * TypeDoc's programmatic API: `docs/api/sdk/plugin-sdk.md` (the
 * `@taiku/plugin-sdk` entry) and `docs/api/sdk/testing.md`
 * (`@taiku/plugin-sdk/testing`). The public surface is exactly what the two
 * entry points export. Fails (exit code 1, nothing written) when a public
 * export, a public class member or an interface field has no doc comment.
 *
 *   node sdk/scripts/api-docs.mjs [outDir]
 *
 * `writeSdkReference({ outDir })` does the same from code.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Application, Comment, ReflectionKind } from "typedoc";

const sdkRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = resolve(sdkRoot, "..");

const ENTRIES = [
  { file: "src/index.ts", module: "@taiku/plugin-sdk", out: "plugin-sdk.md" },
  { file: "src/testing/index.ts", module: "@taiku/plugin-sdk/testing", out: "testing.md" },
];

const MEMBER_KINDS = ReflectionKind.Property | ReflectionKind.Method | ReflectionKind.Accessor | ReflectionKind.Constructor;

/** Loads both entry points into one TypeDoc project; returns each entry's module reflection. */
async function convert() {
  const app = await Application.bootstrap({
    entryPoints: ENTRIES.map((entry) => join(sdkRoot, entry.file)),
    tsconfig: join(sdkRoot, "tsconfig.json"),
    excludePrivate: true,
    excludeProtected: true,
    excludeInternal: true,
    skipErrorChecking: true,
    sort: ["kind", "source-order"],
    logLevel: "Error",
  });
  const project = await app.convert();
  if (project === undefined) throw new Error("TypeDoc could not convert the SDK");
  const modules = project.children ?? [];
  return ENTRIES.map((entry, index) => {
    const module = modules.length === ENTRIES.length ? modules[index] : undefined;
    if (module === undefined) throw new Error(`TypeDoc found ${modules.length} modules, expected ${ENTRIES.length}`);
    return { entry, project: module };
  });
}

/** The doc text of a reflection (its own comment, or its first signature's). */
function docOf(reflection) {
  const comment = reflection.comment ?? reflection.signatures?.[0]?.comment ?? reflection.getSignature?.comment;
  return comment ? Comment.combineDisplayParts(comment.summary).trim() : "";
}

/** Members a reader needs documented: own, public, not inherited from outside the SDK. */
function documentedMembers(reflection) {
  return (reflection.children ?? []).filter(
    (child) => child.kindOf(MEMBER_KINDS) && !child.flags.isPrivate && !child.flags.isProtected && child.inheritedFrom === undefined && !child.name.startsWith("#"),
  );
}

/** Every public reflection of `project` without a doc comment, as `Name` or `Name.member`. */
function undocumented(project) {
  const missing = [];
  for (const reflection of project.children ?? []) {
    if (docOf(reflection) === "") missing.push(reflection.name);
    for (const member of documentedMembers(reflection)) {
      if (member.kindOf(ReflectionKind.Constructor)) continue;
      if (member.kindOf(ReflectionKind.Property) && reflection.kindOf(ReflectionKind.Interface) && member.name === "type") continue;
      if (docOf(member) === "") missing.push(`${reflection.name}.${member.name}`);
    }
  }
  return missing;
}

function signatureText(name, signature) {
  const params = (signature.parameters ?? []).map((parameter) => {
    const optional = parameter.flags.isOptional || parameter.defaultValue !== undefined ? "?" : "";
    const rest = parameter.flags.isRest ? "..." : "";
    return `${rest}${parameter.name}${optional}: ${parameter.type?.toString() ?? "unknown"}`;
  });
  const typeParams = signature.typeParameters?.length ? `<${signature.typeParameters.map((p) => p.name).join(", ")}>` : "";
  return `${name}${typeParams}(${params.join(", ")}): ${signature.type?.toString() ?? "void"}`;
}

function memberLines(member) {
  if (member.signatures) return member.signatures.map((signature) => signatureText(member.name, signature));
  if (member.getSignature) return [`get ${member.name}(): ${member.getSignature.type?.toString() ?? "unknown"}`];
  const optional = member.flags.isOptional ? "?" : "";
  const readonly = member.flags.isReadonly ? "readonly " : "";
  return [`${readonly}${member.name}${optional}: ${member.type?.toString() ?? "unknown"}`];
}

function renderReflection(reflection) {
  const kind = ReflectionKind.singularString(reflection.kind).toLowerCase();
  const lines = [`### ${reflection.name}`, "", `*${kind}*`, ""];
  const doc = docOf(reflection);
  if (doc) lines.push(doc, "");
  if (reflection.signatures) {
    lines.push("```ts", ...reflection.signatures.map((signature) => `function ${signatureText(reflection.name, signature)}`), "```", "");
  } else if (reflection.kindOf(ReflectionKind.TypeAlias)) {
    lines.push("```ts", `type ${reflection.name} = ${reflection.type?.toString() ?? "unknown"}`, "```", "");
  } else if (reflection.kindOf(ReflectionKind.Variable)) {
    lines.push("```ts", `const ${reflection.name}: ${reflection.type?.toString() ?? "unknown"}`, "```", "");
  }
  const members = documentedMembers(reflection);
  if (members.length > 0) {
    lines.push("| member | description |", "|---|---|");
    for (const member of members) {
      const text = memberLines(member).map((line) => `\`${line.replaceAll("|", "\\|")}\``).join("<br>");
      lines.push(`| ${text} | ${docOf(member).replaceAll("\n", " ").replaceAll("|", "\\|")} |`);
    }
    lines.push("");
  }
  return lines.join("\n");
}

function renderProject(entry, project) {
  const header = [
    `# \`${entry.module}\``,
    "",
    `Generated by \`node sdk/scripts/api-docs.mjs\` from \`sdk/${entry.file}\` and the TSDoc of what it exports. Do not edit by hand.`,
    "",
  ];
  const groups = new Map();
  for (const reflection of project.children ?? []) {
    const kind = ReflectionKind.pluralString(reflection.kind);
    groups.set(kind, [...(groups.get(kind) ?? []), reflection]);
  }
  const body = [...groups].flatMap(([kind, reflections]) => [`## ${kind}`, "", ...reflections.map(renderReflection)]);
  return [...header, ...body].join("\n");
}

/** Writes the reference into `outDir`; rejects, writing nothing, when something public is undocumented. */
export async function writeSdkReference({ outDir = join(repoRoot, "docs/api/sdk") } = {}) {
  const rendered = [];
  const missing = [];
  for (const { entry, project } of await convert()) {
    missing.push(...undocumented(project).map((name) => `${entry.module}: ${name}`));
    rendered.push({ file: join(outDir, entry.out), text: renderProject(entry, project) });
  }
  if (missing.length > 0) {
    throw new Error(`public exports without a doc comment:\n  ${missing.join("\n  ")}`);
  }
  await mkdir(outDir, { recursive: true });
  for (const { file, text } of rendered) await writeFile(file, `${text.trimEnd()}\n`);
  return rendered.map(({ file }) => file);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const written = await writeSdkReference(process.argv[2] === undefined ? {} : { outDir: resolve(process.argv[2]) });
    console.log(`wrote ${written.map((file) => file.slice(repoRoot.length + 1)).join(" and ")}`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
