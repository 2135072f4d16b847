/** What `cassflow local` says about one server of the local stack. */
export type ServiceState =
  | 'started'
  | 'already-running'
  | 'running'
  | 'starting'
  | 'stopped'
  | 'external'
  | 'foreign'
  /** An optional server whose npm package this project has not installed. */
  | 'not-installed';

export type ServiceStatus = {
  state: ServiceState;
  endpoint?: string;
  pid?: number;
  detail?: string;
};

/** The outcome of starting one server: how long it took when cassflow started it. */
export type ServiceReport = ServiceStatus & { seconds?: number };
