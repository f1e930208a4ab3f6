/**
 * Each permission in plain words, shown before a user enables a plugin.
 */
import type { Permission } from "@taiku/engine";

/** What granting each permission lets a plugin do. */
export const PERMISSION_TEXT: Readonly<Record<Permission, string>> = {
  "session.read": "See the session: its title, who is here, the shells list, chat, layout and agent activity.",
  "session.write": "Act in the session: send chat messages, change the layout and announce its own events.",
  "terminal.read": "Read everything printed in the shared shells.",
  "terminal.write": "Type into the shared shells — it can run commands on the machine sharing them.",
  "events.subscribe": "Be told when things happen (each event only if it may also see what it reveals).",
  "ui.panel": "Show panels, badges, status-bar labels, notifications and palette actions.",
  "kv.read": "Read other plugins' shared data in this session.",
  "fs.read": "Read files in the shared working directory.",
  "fs.write": "Change files in the shared working directory.",
};
