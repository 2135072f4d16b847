import { Option } from 'commander';
import type { DashboardServer } from '#lib/dashboard/dashboard-server';
import { type LiveDashboardOptions, startLiveDashboard } from '#lib/dashboard/live-dashboard';
import { wholeNumber } from './option-values.ts';
import type { CommandOutput } from './output.ts';

/** Where `--ui` and `cassflow ui` serve, and where `cassflow top` looks, by default. */
export const DEFAULT_DASHBOARD_PORT = 4590;

/** `--ui-port` of the commands that serve their run's dashboard (run, demo). */
export function uiPortOption(): Option {
  return new Option('--ui-port <port>', "the dashboard's port (0: any free one)")
    .argParser(wholeNumber(0, 65_535))
    .default(DEFAULT_DASHBOARD_PORT);
}

/** Starts the dashboard and says where it is: a line for people, `{ dashboard }` for `--json`. */
export async function serveDashboard(
  options: LiveDashboardOptions,
  out: CommandOutput,
): Promise<DashboardServer> {
  const dashboard = await startLiveDashboard(options);
  out.info(`Dashboard: ${dashboard.url} (or: cassflow top --url ${dashboard.url})`);
  out.result({ dashboard: dashboard.url });
  return dashboard;
}
