package io.servicegap.output;

import java.util.List;

/** The output tables: grain, partitioning and every column, declared once for writer and docs. */
public final class OutputTables {
  private OutputTables() {}

  public record OutputColumn(String name, String type, String description) {}

  public record Table(String name, String grain, List<String> partitionBy, List<OutputColumn> columns) {
    public List<String> columnNames() {
      return columns.stream().map(OutputColumn::name).toList();
    }
  }

  private static OutputColumn c(String name, String type, String description) {
    return new OutputColumn(name, type, description);
  }

  /** Tables of periods are partitioned by the month a period starts in: a folder per day costs writers and readers far more than it saves. */
  private static final List<String> BY_MONTH = List.of("grain", io.servicegap.keys.Periods.PERIOD_MONTH);
  private static final OutputColumn PERIOD_MONTH =
      c(io.servicegap.keys.Periods.PERIOD_MONTH, "date", "First day of the month the period starts in (a week's: of its Monday). Partition column: a run replaces whole months.");

  public static final Table GAP_METRICS =
      new Table(
          "gap_metrics",
          "One row per grain × period × segment × phase × price_tier × gap × metric × subject: one value per row.",
          BY_MONTH,
          List.of(
              c("segment", "string", "Customer segment, or ALL when rolled up."),
              c("phase", "string", "Journey phase (pre_sale, delivery, post_sale), or ALL."),
              c("price_tier", "string", "Price tier, or ALL."),
              c("gap", "string", "Metric family: gap1 (knowledge), gap2 (standards coverage), gap3 (delivery vs standards), gap4 (communication), gap5 (customer), recovery, impact (retention by response class)."),
              c("metric", "string", "Metric name, as in docs/metrics.md."),
              c("subject_type", "string", "What the metric is about: all, dimension, element or standard."),
              c("subject", "string", "The dimension, element or standard name, or ALL for subject_type all."),
              c("value", "double", "The metric's value (a rate in [0, 1], a mean, hours or a ratio), rounded to 12 decimals."),
              c("n", "bigint", "Denominator or sample size behind the value."),
              c("ci_low", "double", "Lower bound of the confidence interval (Wilson for rates, normal for means); null where none applies."),
              c("ci_high", "double", "Upper bound of the confidence interval; null where none applies."),
              c("low_sample", "boolean", "n is below servicegap.stats.min-sample."),
              c("period_start", "date", "First day of the period: the day, the ISO week's Monday, the month's first day."),
              c("as_of", "date", "The run's as_of date: events up to its end are counted."),
              c("run_id", "string", "Run that wrote the row; its manifest is _runs/<run_id>.json."),
              c("grain", "string", "Period length: day, week (ISO, from Monday) or month. Partition column."),
              PERIOD_MONTH));

  public static final Table QUARANTINE =
      new Table(
          "quarantine",
          "One row per rejected input row.",
          List.of("run_date", "source"),
          List.of(
              c("reason", "string", "PARSE_ERROR, MISSING_REQUIRED, BAD_VALUE, OUT_OF_RANGE, BAD_ORDER_OF_TIMES, UNKNOWN_REFERENCE, DUPLICATE_KEY or RESERVED_VALUE."),
              c("column_name", "string", "The column at fault: _record for a line that could not be split into columns; two names joined by a vertical bar when one of them was required."),
              c("record", "string", "The original row as text: JSON of its columns (of a mapped source, the export's own columns, or the query's row, empty cells as null), or the raw line."),
              c("source_file", "string", "File the row was read from; null for a source that is a query."),
              c("as_of", "date", "The run's as_of date."),
              c("run_id", "string", "Run that rejected the row."),
              c("run_date", "date", "The run's as_of date. Partition column."),
              c("source", "string", "Input source of the row. Partition column.")));

  public static final Table GAP_SCORECARD = scorecard();

  private static Table scorecard() {
    List<OutputColumn> cols = new java.util.ArrayList<>();
    cols.add(c("segment", "string", "Customer segment, or ALL."));
    cols.add(c("phase", "string", "Journey phase, or ALL."));
    cols.add(c("price_tier", "string", "Price tier, or ALL."));
    for (io.servicegap.metrics.Headline h : io.servicegap.metrics.Scorecard.HEADLINES) {
      cols.add(c(h.column(), "double", h.meaning() + " The gap_metrics row " + h.gap() + "/" + h.metric() + "/ALL; null where it has none."));
      cols.add(c(h.column() + "_n", "bigint", "n of " + h.column() + "."));
    }
    cols.add(c("period_start", "date", "First day of the period."));
    cols.add(c("as_of", "date", "The run's as_of date."));
    cols.add(c("run_id", "string", "Run that wrote the row."));
    cols.add(c("grain", "string", "day, week or month. Partition column."));
    cols.add(PERIOD_MONTH);
    return new Table(
        "gap_scorecard",
        "One row per grain × period × segment × phase × price_tier: the headline figure of each gap, pivoted from gap_metrics.",
        BY_MONTH,
        List.copyOf(cols));
  }

  public static final Table ACCOUNT_SCORECARD =
      new Table(
          "account_scorecard",
          "One row per account, as of the run; figures over the 365 days before the cut-off unless named otherwise.",
          List.of("as_of"),
          List.of(
              c("account_id", "string", "The account."),
              c("segment", "string", "Its segment."),
              c("price_tier", "string", "Its price tier."),
              c("revenue_365d", "decimal(18,2)", "Revenue of its orders placed in the 365 days before the cut-off, not cancelled: charged_amount, else quoted_amount."),
              c("revenue_rank", "int", "1 = highest revenue_365d (ties by account_id)."),
              c("best_account", "boolean", "Among the top servicegap.accounts.best-share of accounts with revenue, by revenue_rank."),
              c("orders_365d", "bigint", "Orders placed in the 365 days, any status."),
              c("otif_rate_365d", "double", "On time and in full over the eligible orders of the 365 days (Gap 4's rules); null without one."),
              c("complaints_365d", "bigint", "Complaints opened in the 365 days."),
              c("open_complaints", "bigint", "Complaints of any age not resolved at the cut-off."),
              c("mean_gap_365d", "double", "Mean perception − expectation of its survey answers in the 365 days; null without one."),
              c("answers_365d", "bigint", "Survey answers with both scores in the 365 days."),
              c("days_since_last_order", "int", "Days from its last order to as_of; null if it never ordered."),
              c("at_risk", "boolean", "status is at_risk: an active account for which at least one at-risk reason holds."),
              c("at_risk_reasons", "array<string>", "The reasons that hold: no_recent_order, low_otif, open_complaints, negative_gap (thresholds in servicegap.accounts.at-risk); for a lapsed account, what held when it left."),
              c("status", "string", "active; at_risk (active, with reasons); lapsed (churned: no order in the servicegap.retention.churn-after-days before the cut-off, or none ever)."),
              c("run_id", "string", "Run that wrote the row."),
              c("as_of", "date", "The run's as_of date. Partition column.")));

  public static final Table PHASE_IMPACT = phaseImpact();

  private static Table phaseImpact() {
    List<OutputColumn> cols = new java.util.ArrayList<>();
    cols.add(c("segment", "string", "Customer segment, or ALL."));
    cols.add(c("phase", "string", "Journey phase of the survey responses, or ALL."));
    cols.add(c("price_tier", "string", "Price tier, or ALL."));
    cols.add(c("responses", "bigint", "Survey responses with at least one dimension answered with both scores."));
    for (String k : io.servicegap.metrics.PhaseImpact.CLASSES) {
      cols.add(c(k + "_response_share", "double", "Share of responses whose mean perception − expectation " + k + " expectations (servicegap.retention thresholds)."));
    }
    io.servicegap.metrics.PhaseImpact.WITH_INTERVALS.forEach((m, meaning) -> {
      cols.add(c(m, "double", meaning + " Null without evaluable responses."));
      cols.add(c(m + "_n", "bigint", "n of " + m + ": evaluable responses (for a difference, the smaller class)."));
      cols.add(c(m + "_ci_low", "double", "Lower bound of " + m + "'s interval at servicegap.stats.confidence."));
      cols.add(c(m + "_ci_high", "double", "Upper bound of " + m + "'s interval."));
    });
    cols.add(c("low_sample", "boolean", "positive_impact_n or negative_impact_n is below servicegap.stats.min-sample (or absent)."));
    cols.add(c("period_start", "date", "First day of the period the responses were submitted in."));
    cols.add(c("as_of", "date", "The run's as_of date."));
    cols.add(c("run_id", "string", "Run that wrote the row."));
    cols.add(c("grain", "string", "day, week or month. Partition column."));
    cols.add(PERIOD_MONTH);
    return new Table(
        "phase_impact",
        "One row per grain × period × segment × phase × price_tier: survey responses classed exceeded / met / failed, and the retention of each class after the response. Pivoted from the gap_metrics rows of gap impact.",
        BY_MONTH,
        List.copyOf(cols));
  }

  public static final Table FEE_IMPACT =
      new Table(
          "fee_impact",
          "One row per price change effective by as_of. Touched accounts: in the change's tier and segment (* = any) and active (an order in the churn window before the instant); control: the other active accounts.",
          List.of("as_of"),
          List.of(
              c("change_id", "string", "The price change."),
              c("effective_date", "date", "Its effective date; the window after starts at the beginning of this day."),
              c("price_tier", "string", "Tier it applies to, or *."),
              c("segment", "string", "Segment it applies to, or *."),
              c("change_pct", "double", "Its size: 0.08 = +8 %."),
              c("description", "string", "Its description."),
              c("evaluable", "boolean", "The churn window after the change has closed by the cut-off; until then the after figures are null."),
              c("accounts_before", "bigint", "Touched accounts active one churn window before the effective date."),
              c("churn_rate_before", "double", "Share of them with no order in the churn window that followed: the baseline."),
              c("churn_rate_before_ci_low", "double", "Wilson lower bound of churn_rate_before."),
              c("churn_rate_before_ci_high", "double", "Wilson upper bound of churn_rate_before."),
              c("accounts_after", "bigint", "Touched accounts active on the effective date."),
              c("churn_rate_after", "double", "Share of them with no order in the churn window after the change."),
              c("churn_rate_after_ci_low", "double", "Wilson lower bound of churn_rate_after."),
              c("churn_rate_after_ci_high", "double", "Wilson upper bound of churn_rate_after."),
              c("churn_lift", "double", "churn_rate_after − churn_rate_before."),
              c("churn_lift_ci_low", "double", "Newcombe lower bound of churn_lift."),
              c("churn_lift_ci_high", "double", "Newcombe upper bound of churn_lift."),
              c("control_accounts_after", "bigint", "Active accounts the change did not touch, on the effective date (0 for a change on * and *)."),
              c("control_churn_lift", "double", "The same lift among untouched accounts: what changed anyway (season, market)."),
              c("control_churn_lift_ci_low", "double", "Newcombe lower bound of control_churn_lift."),
              c("control_churn_lift_ci_high", "double", "Newcombe upper bound of control_churn_lift."),
              c("revenue_at_risk", "decimal(18,2)", "Revenue of the 365 days before the change (charged, else quoted; not cancelled) of the touched accounts that churned after it."),
              c("low_sample", "boolean", "The smaller of accounts_before and accounts_after is below servicegap.stats.min-sample, or the change is not evaluable."),
              c("run_id", "string", "Run that wrote the row."),
              c("as_of", "date", "The run's as_of date. Partition column.")));

  public static final Table FINDINGS =
      new Table(
          "findings",
          "One row per finding, as of the run: a key combination whose headline figure, pooled over the findings window, is worse than for the other customers "
              + "(or than its target, or than 0 for a difference that should be none) by a test that passes Benjamini–Hochberg at servicegap.findings.fdr; "
              + "most at stake first.",
          List.of("as_of"),
          List.of(
              c("finding_id", "string", "Stable id: the same grain, keys, gap, metric and subject give the same id in every run."),
              c("rank", "int", "1 = most at stake."),
              c("grain", "string", "Period length of the figures pooled (servicegap.findings.grain)."),
              c("period_start", "date", "The latest complete period by as_of: the last of the servicegap.findings.periods pooled."),
              c("segment", "string", "Segment, or ALL."),
              c("phase", "string", "Journey phase, or ALL."),
              c("price_tier", "string", "Price tier, or ALL."),
              c("gap", "string", "As in gap_metrics; impact for a price change's churn lift."),
              c("metric", "string", "The headline metric: otif_rate, promise_kept_rate, compliance_rate, resolution_rate, servqual_gap, gap_mean, negative_impact, "
                  + "broken_promise_penalty, broken_promise_churn_lift or churn_lift."),
              c("subject", "string", "As in gap_metrics (the standard, the element); a price change's change_id."),
              c("value", "double", "The figure, pooled over the window's periods."),
              c("n", "bigint", "Its sample size (events; for a difference, the smaller part's; for a price change, accounts)."),
              c("ci_low", "double", "Lower bound of its interval, which counts accounts as the unit of independence."),
              c("ci_high", "double", "Upper bound of its interval."),
              c("n_accounts", "bigint", "Accounts behind the figure (estimated from servicegap.stats.cluster-accounts of them on larger histories)."),
              c("parent_value", "double", "What the figure is compared with: the same figure for the other customers (all customers but the group); 0 for a "
                  + "difference of all customers; for a price change, the untouched accounts' churn lift; null for a target test of all customers."),
              c("parent_n", "bigint", "Its sample size."),
              c("parent_ci_low", "double", "Lower bound of its interval."),
              c("parent_ci_high", "double", "Upper bound of its interval."),
              c("target", "double", "The configured target it was tested against (servicegap.findings.targets), or null."),
              c("p_value", "double", "One-sided p-value of the finding's test: how likely a figure this much worse would be if the group did not differ."),
              c("q_value", "double", "Benjamini–Hochberg adjusted p-value over every comparison the run tested; at most servicegap.findings.fdr."),
              c("trend", "string", "worsening or improving when the latest period differs from the window's earlier ones by a test that passes "
                  + "Benjamini–Hochberg among the findings' trends; otherwise steady."),
              c("at_stake", "double", "What the ranking goes by, in accounts: the accounts behind the figure times its shortfall (a rate's difference; a mean's "
                  + "as a share of the answer scale); for a price change, the accounts it touched times its lift above the untouched accounts'."),
              c("sentence", "string", "The finding in plain words."),
              c("run_id", "string", "Run that wrote the row."),
              c("as_of", "date", "The run's as_of date. Partition column.")));

  public static final List<Table> ALL = List.of(GAP_METRICS, GAP_SCORECARD, PHASE_IMPACT, ACCOUNT_SCORECARD, FEE_IMPACT, QUARANTINE, FINDINGS);
}
