// hadolint-style rules for deploy/docker/Dockerfile (hadolint itself is not
// packaged for Debian 12 or npm). dockerfile-utils lint checks the syntax;
// these check what the image promises: a pinned base, a slim runtime stage
// without build tools, apt hygiene, and a non-root user.
// Usage: node check-dockerfile.mjs DOCKERFILE
import { readFileSync } from "node:fs";
import { DockerfileParser } from "dockerfile-ast";

const file = process.argv[2];
if (!file) {
  console.error("usage: check-dockerfile.mjs DOCKERFILE");
  process.exit(2);
}
const dockerfile = DockerfileParser.parse(readFileSync(file, "utf8"));
const problems = [];
const at = (instr, rule, message) =>
  problems.push(`${file}:${instr.getRange().start.line + 1}: ${rule}: ${message}`);

const instructions = dockerfile.getInstructions();
const stages = [];  // {from, name, instructions}
for (const instr of instructions) {
  const keyword = instr.getKeyword();
  if (keyword === "FROM") {
    const args = instr.getArguments().map((a) => a.getValue());
    stages.push({ from: instr, image: args[0], name: args[2], instructions: [] });
  } else if (stages.length) {
    stages.at(-1).instructions.push(instr);
  }
}
if (stages.length < 2) {
  problems.push(`${file}: multi-stage: expected a build stage and a runtime stage`);
}
const names = new Set(stages.map((s) => s.name).filter(Boolean));
for (const s of stages) {
  if (!/:[^:]+$/.test(s.image ?? "") || /:latest$/.test(s.image)) {
    at(s.from, "DL3006/DL3007", `base image ${s.image} must name a tag other than latest`);
  }
  for (const instr of s.instructions) {
    const text = instr.getArgumentsContent() ?? "";
    const keyword = instr.getKeyword();
    if (keyword === "COPY") {
      const from = /--from=(\S+)/.exec(text);
      if (from && !names.has(from[1])) at(instr, "DL3022", `COPY --from=${from[1]} names no stage`);
    }
    if (keyword === "RUN" && /apt-get\s+(-\S+\s+)*install/.test(text)) {
      if (!/--no-install-recommends/.test(text)) {
        at(instr, "DL3015", "apt-get install needs --no-install-recommends");
      }
      if (!/rm -rf \/var\/lib\/apt\/lists/.test(text)) {
        at(instr, "DL3009", "remove /var/lib/apt/lists in the RUN that installs");
      }
      if (!/apt-get update/.test(text)) {
        at(instr, "DL3019", "apt-get update in the same RUN as apt-get install");
      }
    }
    if (/\bsudo\b/.test(text) && keyword === "RUN") at(instr, "DL3004", "do not use sudo");
    if (["CMD", "ENTRYPOINT"].includes(keyword) && !text.trim().startsWith("[")) {
      at(instr, "DL3025", `${keyword} must use the JSON form`);
    }
  }
}
const runtime = stages.at(-1);
if (runtime) {
  const text = runtime.instructions.map((i) => i.getArgumentsContent() ?? "").join("\n");
  const tools = /\b(build-essential|cmake|ninja-build|g\+\+|gcc|clang|ccache|[a-z0-9.+-]+-dev)\b/.exec(text);
  if (tools) at(runtime.from, "runtime", `the runtime stage must not install build tools (${tools[1]})`);
  if (!/\btzdata\b/.test(text)) {
    at(runtime.from, "runtime", "the runtime stage must install tzdata (stats' --time_zone reads it)");
  }
  if (/tools\/install-deps/.test(text)) {
    at(runtime.from, "runtime", "the runtime stage must not run tools/install-deps (the build toolchain)");
  }
  const users = runtime.instructions.filter((i) => i.getKeyword() === "USER");
  const user = users.at(-1)?.getArgumentsContent()?.trim() ?? "";
  if (!users.length) {
    at(runtime.from, "DL3002", "the runtime stage must end with a non-root USER");
  } else if (!/^[1-9]\d*(:\d+)?$/.test(user)) {
    at(users.at(-1), "DL3002", `USER must be a numeric non-root uid (got '${user}'), so runAsNonRoot can verify it`);
  }
}
for (const p of problems) console.error(p);
if (problems.length) process.exit(1);
console.log(`${file}: ${stages.length} stages, runtime ${runtime?.image}, user ok`);
