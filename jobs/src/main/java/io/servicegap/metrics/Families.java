package io.servicegap.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one list of metric families: every class marked {@code @AutoService(MetricFamily.class)},
 * found through {@link ServiceLoader}, so a new family needs no edit here. It names what
 * servicegap.metrics.families accepts (with {@link #ACCOUNTS}), which sources a run reads, and
 * what the job measures; a test holds reference.conf and docs/metrics.md to it.
 */
public final class Families {
  /** Every metric family: gap1 to gap5, then the others by name; within a name, by class. */
  public static final List<MetricFamily> METRICS = discovered();

  /** The family of the account_scorecard table, which writes no gap_metrics rows. */
  public static final String ACCOUNTS = "accounts";

  /** The sources the accounts family reads: every keyed event kind. */
  private static final Set<String> ACCOUNTS_READ = Set.of("transactions", "complaints", "surveys");

  private Families() {}

  private static List<MetricFamily> discovered() {
    List<MetricFamily> found = new ArrayList<>();
    // The class loader that holds this class holds the families too, on spark-submit as well.
    ServiceLoader.load(MetricFamily.class, MetricFamily.class.getClassLoader()).forEach(found::add);
    found.sort(Comparator.comparing((MetricFamily f) -> !f.name().startsWith("gap"))
        .thenComparing(MetricFamily::name)
        .thenComparing(f -> f.getClass().getSimpleName()));
    return List.copyOf(found);
  }

  /** Every family's headline figures: what the findings test. */
  public static List<Headline> headlines() {
    List<Headline> all = new ArrayList<>();
    METRICS.forEach(f -> all.addAll(f.headlines()));
    return List.copyOf(all);
  }

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
