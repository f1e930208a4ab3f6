/**
 * `taiku plugin add <folder> | list | remove <id>`: manages the plugins in
 * `$TAIKU_DATA_DIR/plugins/` (symlinks to package folders). A running
 * server sees changes on its next manifest request; no restart needed.
 */
import { loadConfig } from "../config";
import { installPlugin, listPlugins, removePlugin } from "../plugins";

const USAGE = "usage: taiku plugin add <folder> | taiku plugin list | taiku plugin remove <id>\n";

/** Runs a plugin subcommand; resolves with the exit code. */
export async function runPluginCommand(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const config = loadConfig(env);
  const [subcommand, argument] = args;
  switch (subcommand) {
    case "add": {
      if (argument === undefined) break;
      const result = await installPlugin(argument, config.dataDir, config.bundledPluginsDir);
      if ("error" in result) {
        process.stderr.write(`${result.error}\n`);
        return 1;
      }
      const verb = result.alreadyInstalled ? "already installed" : "installed";
      process.stdout.write(`${verb}: ${result.plugins.join(", ")} (${result.link})\n`);
      return 0;
    }
    case "list": {
      const discovery = await listPlugins({ dataDir: config.dataDir, bundledDir: config.bundledPluginsDir });
      for (const plugin of discovery.plugins) {
        process.stdout.write(`${plugin.manifest.id}\t${plugin.source}\t${plugin.manifest.name}\t${plugin.folder}\n`);
      }
      for (const module of discovery.modules) {
        process.stdout.write(`${module.spec.id}\t${module.source}\tPi Web module ${module.spec.module} (trusted: runs with the user's full access)\t${module.folder}\n`);
      }
      if (discovery.plugins.length === 0 && discovery.modules.length === 0) process.stdout.write("no plugins\n");
      for (const error of discovery.errors) process.stderr.write(`error (${error.source} ${error.package}): ${error.message}\n`);
      return 0;
    }
    case "remove": {
      if (argument === undefined) break;
      const result = await removePlugin(argument, config.dataDir, config.bundledPluginsDir);
      if ("error" in result) {
        process.stderr.write(`${result.error}\n`);
        return 1;
      }
      process.stdout.write(`removed ${result.plugins.join(", ")} (${result.removed})\n`);
      return 0;
    }
    default:
      break;
  }
  process.stderr.write(USAGE);
  return 2;
}
