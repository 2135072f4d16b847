import { Duration } from 'aws-cdk-lib';
import {
  type Alarm,
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  type IMetric,
  type IWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { AnyPipeline } from '#lib/pipeline/any-pipeline';
import { casRetryRate, cassflowMetric } from './pipeline-metrics.ts';

export type DashboardPipeline = { pipeline: AnyPipeline; function: IFunction; alarms: Alarm[] };
export type DashboardSyncJob = { name: string; function: IFunction };

export type PipelineDashboardProps = {
  dashboardName: string;
  pipelines: readonly DashboardPipeline[];
  syncJobs: readonly DashboardSyncJob[];
};

/** One CloudWatch dashboard for a deployment: a row per pipeline, one for the sync jobs. */
export class PipelineDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: PipelineDashboardProps) {
    super(scope, id);
    const period = Duration.minutes(5);
    const rows: IWidget[][] = [
      [
        new AlarmStatusWidget({
          title: 'Alarms',
          alarms: props.pipelines.flatMap((p) => p.alarms),
          width: 24,
        }),
      ],
    ];
    for (const { pipeline: p, function: fn } of props.pipelines) {
      const m = (name: string) => cassflowMetric(p.name, name);
      rows.push([
        graph(`${p.name}: records`, [m('RecordsIn'), m('RowsWritten')], [m('DeadLettered')]),
        graph(`${p.name}: iterator age (ms)`, [
          fn.metric('IteratorAge', { statistic: 'Maximum', period }),
        ]),
        graph(`${p.name}: errors and throttles`, [
          fn.metricErrors({ period }),
          fn.metricThrottles({ period }),
        ]),
        p.kind === 'aggregation'
          ? graph(
              `${p.name}: late events, CAS retries`,
              [m('LateEvents'), m('CasRetries')],
              [casRetryRate(p.name)],
            )
          : graph(`${p.name}: duration (ms)`, [fn.metricDuration({ period, statistic: 'p95' })]),
      ]);
    }
    if (props.syncJobs.length > 0) {
      rows.push(
        props.syncJobs.map((job) =>
          graph(
            `sync ${job.name}`,
            [cassflowMetric(job.name, 'RowsRead'), cassflowMetric(job.name, 'RowsWritten')],
            [job.function.metricErrors({ period })],
          ),
        ),
      );
    }
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      widgets: rows,
    });
  }
}

function graph(title: string, left: IMetric[], right?: IMetric[]) {
  return new GraphWidget({ title, left, ...(right ? { right } : {}), width: 6 });
}
