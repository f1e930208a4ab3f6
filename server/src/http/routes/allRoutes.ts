/**
 * Every declared route, in the order the API reference lists them. The
 * server mounts exactly these; `scripts/api-docs.mjs` documents exactly these.
 */
import type { Route } from "../defineRoute";
import { postActivityRoute } from "./activityRoutes";
import { loginRoute, logoutRoute, registerRoute, sessionCookieRoute } from "./authRoutes";
import { deleteChatRoute, postChatRoute } from "./chatRoutes";
import { kvHistoryRoute } from "./kvHistoryRoute";
import { deletePluginFileRoute, getPluginFileRoute, listPluginFilesRoute, putPluginFileRoute } from "./pluginFileRoutes";
import { checkHostTokenRoute, createHostTokenRoute, listHostTokensRoute, revokeHostTokenRoute } from "./hostTokenRoutes";
import { healthRoute, metricsRoute, readyRoute, sdkBundleRoute } from "./serviceRoutes";
import { deleteSessionPluginRoute, getSessionPluginRoute, putSessionPluginRoute } from "./sessionPluginRoutes";
import {
  createInviteRoute,
  createSessionRoute,
  endSessionRoute,
  joinSessionRoute,
  listSessionsRoute,
  sessionInfoRoute,
} from "./sessionRoutes";
import { deleteUserKvRoute, getUserKvRoute, listUserKvRoute, putUserKvRoute } from "./userKvRoutes";
import {
  listProjectsRoute,
  listWorkspacesRoute,
  workspaceFileRoute,
  workspaceGitDiffRoute,
  workspaceGitStatusRoute,
  workspaceTreeRoute,
} from "./workspaceRoutes";

/** Every HTTP route the server answers (besides plugin discovery and the client app). */
export const allRoutes: readonly Route[] = [
  registerRoute,
  loginRoute,
  logoutRoute,
  sessionCookieRoute,
  createSessionRoute,
  listSessionsRoute,
  sessionInfoRoute,
  createInviteRoute,
  joinSessionRoute,
  endSessionRoute,
  getSessionPluginRoute,
  putSessionPluginRoute,
  deleteSessionPluginRoute,
  kvHistoryRoute,
  postActivityRoute,
  postChatRoute,
  deleteChatRoute,
  createHostTokenRoute,
  listHostTokensRoute,
  revokeHostTokenRoute,
  checkHostTokenRoute,
  listUserKvRoute,
  getUserKvRoute,
  putUserKvRoute,
  deleteUserKvRoute,
  listPluginFilesRoute,
  getPluginFileRoute,
  putPluginFileRoute,
  deletePluginFileRoute,
  listProjectsRoute,
  listWorkspacesRoute,
  workspaceTreeRoute,
  workspaceFileRoute,
  workspaceGitStatusRoute,
  workspaceGitDiffRoute,
  healthRoute,
  readyRoute,
  metricsRoute,
  sdkBundleRoute,
];
