package io.servicegap.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one list of metric families. It names what servicegap.metrics.families accepts (with
 * {@link #ACCOUNTS}), which sources a run reads, and what the job measures; a test holds
 * reference.conf and docs/metrics.md to it.
 */
public final class Families {
  /** Every metric family, in the order their rows are measured. */
  public static final List<MetricFamily> METRICS = List.of(
      new KnowledgeGap(),
      new CoverageGap(),
      new StandardsGap(),
      new CommunicationGap(),
      new CustomerGap(),
      new RecoveryGap(),
      new PhaseImpact(),
      new RecoveryParadox(),
      new BrokenPromise());

  /** The family of the account_scorecard table, which writes no gap_metrics rows. */
  public static final String ACCOUNTS = "accounts";

  /** The sources the accounts family reads: every keyed event kind. */
  private static final Set<String> ACCOUNTS_READ = Set.of("transactions", "complaints", "surveys");

  private Families() {}

  /** Every family name servicegap.metrics.families accepts, in order. */
  public static List<String> names() {
    List<String> names = new ArrayList<>();
    METRICS.forEach(f -> {
      if (!names.contains(f.name())) {
        names.add(f.name());
      }
    });
    names.add(ACCOUNTS);
    return List.copyOf(names);
  }

  /** The running metric families: those whose name is among {@code running}. */
  public static List<MetricFamily> running(Set<String> running) {
    return METRICS.stream().filter(f -> running.contains(f.name())).toList();
  }

  /** The sources the running families read, accounts always among them. */
  public static Set<String> sourcesRead(Set<String> running) {
    Set<String> sources = new TreeSet<>(List.of("accounts"));
    running(running).forEach(f -> sources.addAll(f.sources()));
    if (running.contains(ACCOUNTS)) {
      sources.addAll(ACCOUNTS_READ);
    }
    return sources;
  }
}
