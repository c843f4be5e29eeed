package io.servicegap.metrics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.xxhash64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.servicegap.PlanShape;
import io.servicegap.config.Settings;
import io.servicegap.keys.GroupingSets;
import io.servicegap.keys.RunKeys;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The runner's roll-ups of states and of bins: their shape, and the merge law both obey. */
class RollupRunnerTest extends MetricFixtures {
  private static final Settings SETTINGS = settings();
  private static final RunKeys RUN = new RunKeys("merge", LocalDate.parse("2026-06-30"), LocalDate.parse("2026-03-01"), ZoneOffset.UTC);
  private static MeasuredEvents history;

  /** A few months of random orders, complaints and answers of 30 accounts, every status and phase. */
  @BeforeAll
  static void history() {
    Random random = new Random(7);
    String[] segments = {"smb", "enterprise", "public"};
    String[] tiers = {"budget", "standard", "premium"};
    String[] phases = {"pre_sale", "delivery", "post_sale"};
    String[] statuses = {"delivered", "delivered", "open", "cancelled", "returned"};
    String[] categories = {"late_delivery", "billing", "staff_attitude", "product_defect"};
    String[] dimensions = {"reliability", "responsiveness", "assurance", "empathy", "tangibles", "value"};
    List<Object[]> accounts = new ArrayList<>();
    List<Object[]> orders = new ArrayList<>();
    List<Object[]> complaints = new ArrayList<>();
    List<Object[]> answers = new ArrayList<>();
    for (int a = 0; a < 30; a++) {
      String account = "A" + a;
      accounts.add(row(account, segments[a % 3], tiers[random.nextInt(3)]));
      for (int o = 0; o < 12; o++) {
        java.time.LocalDateTime at = LocalDate.parse("2026-01-01").plusDays(random.nextInt(180)).atTime(random.nextInt(24), random.nextInt(60));
        java.sql.Timestamp placed = ts(at.toInstant(ZoneOffset.UTC).toString());
        java.sql.Timestamp promised = ts(at.plusHours(24 + random.nextInt(96)).toInstant(ZoneOffset.UTC).toString());
        java.sql.Timestamp processed = random.nextInt(5) == 0 ? null : ts(at.plusMinutes(random.nextInt(400)).toInstant(ZoneOffset.UTC).toString());
        String status = statuses[random.nextInt(statuses.length)];
        java.sql.Timestamp delivered = status.equals("delivered") ? ts(at.plusHours(12 + random.nextInt(140)).toInstant(ZoneOffset.UTC).toString()) : null;
        int qty = 1 + random.nextInt(4);
        orders.add(row("O" + a + "-" + o, account, placed, random.nextBoolean() ? null : tiers[random.nextInt(3)],
            random.nextInt(4) == 0 ? null : money("100.00"), money((90 + random.nextInt(20)) + ".00"), qty, delivered == null ? null : qty - random.nextInt(2),
            promised, processed, delivered, status));
        if (random.nextInt(4) == 0) {
          java.time.LocalDateTime opened = at.plusHours(random.nextInt(200));
          complaints.add(row("K" + a + "-" + o, account, random.nextBoolean() ? "O" + a + "-" + o : null, ts(opened.toInstant(ZoneOffset.UTC).toString()),
              phases[random.nextInt(3)], categories[random.nextInt(4)],
              random.nextInt(6) == 0 ? null : ts(opened.plusMinutes(random.nextInt(600)).toInstant(ZoneOffset.UTC).toString()),
              random.nextInt(3) == 0 ? null : ts(opened.plusHours(random.nextInt(90)).toInstant(ZoneOffset.UTC).toString()),
              random.nextInt(3) == 0 ? null : random.nextInt(300), 1 + random.nextInt(3), random.nextInt(5) == 0,
              random.nextInt(3) == 0 ? ts(opened.plusHours(random.nextInt(72)).toInstant(ZoneOffset.UTC).toString()) : null));
        }
        if (random.nextInt(2) == 0) {
          java.sql.Timestamp submitted = ts(at.plusDays(2 + random.nextInt(10)).toInstant(ZoneOffset.UTC).toString());
          String phase = phases[random.nextInt(3)];
          for (String d : dimensions) {
            if (random.nextInt(3) > 0) {
              answers.add(row("R" + a + "-" + o, account, "O" + a + "-" + o, submitted, phase, d,
                  random.nextInt(5) == 0 ? null : (double) (1 + random.nextInt(7)), (double) (1 + random.nextInt(7)),
                  complaints.isEmpty() || random.nextBoolean() ? null : (String) complaints.get(complaints.size() - 1)[0]));
            }
          }
        }
      }
    }
    history = events(SETTINGS, RUN, frame(ACCOUNTS_DDL, accounts.toArray(Object[][]::new)), frame(ORDERS_DDL, orders.toArray(Object[][]::new)),
        frame(COMPLAINTS_DDL + ", due_ts timestamp", complaints.toArray(Object[][]::new)), frame(SURVEYS_DDL + ", complaint_id string", answers.toArray(Object[][]::new)), null);
  }

  /**
   * Every family's states go through one period expansion and one grouping-set expansion, and
   * each kind of event is shuffled once, to its finest sums, before the union is shuffled once by
   * grain and period; every histogram's bins likewise, in a roll-up of their own.
   */
  @Test
  void everyFamilyFoldsIntoOneGroupingSetExpansion() {
    RollupRunner.Rollup rollup = RollupRunner.rollUp(Families.METRICS, history);
    Set<String> kinds = new java.util.HashSet<>();
    Set<String> binned = new java.util.HashSet<>();
    Families.METRICS.forEach(f -> f.stateSets(history).forEach(s -> kinds.add(s.kind().name())));
    Families.METRICS.forEach(f -> f.histograms(history).forEach(h -> binned.add(h.kind().name())));
    assertTrue(kinds.size() >= 5, "orders, complaints, answers and derived kinds: " + kinds);
    assertTrue(binned.size() >= 2, "orders and complaints have histograms: " + binned);
    for (Dataset<Row> rolled : List.of(rollup.states(), rollup.bins())) {
      String plan = rolled.queryExecution().executedPlan().toString();
      assertEquals(1, PlanShape.explodesInto(rolled, GroupingSets.SET_COLUMN), plan);
      assertEquals(1, PlanShape.explodesInto(rolled, "_period"), plan);
      assertEquals((rolled == rollup.states() ? kinds : binned).size() + 1, PlanShape.shufflesOf(rolled, RollupRunner.SET), plan);
    }
  }

  /**
   * Sets share typed slot columns: the rolled-up states carry as many state columns as the widest
   * set has states of each type, summed over the types, not one per state. Bins carry their count
   * alone.
   */
  @Test
  void setsShareTheirWidestSetsSlots() {
    Map<String, Integer> widest = new HashMap<>();
    int states = 0;
    for (MetricFamily f : Families.METRICS) {
      for (StateSet s : f.stateSets(history)) {
        Dataset<Row> typed = s.kind().events().apply(history)
            .select(s.sums().entrySet().stream().map(e -> e.getValue().as(e.getKey())).toArray(Column[]::new));
        Map<String, Integer> perType = new HashMap<>();
        Arrays.stream(typed.schema().fields()).forEach(x -> perType.merge(x.dataType().typeName(), 1, Integer::sum));
        perType.forEach((t, n) -> widest.merge(t, n, Math::max));
        states += s.sums().size();
      }
    }
    RollupRunner.Rollup rollup = RollupRunner.rollUp(Families.METRICS, history);
    List<String> keys = RollupRunner.stateKeys();
    long columns = Arrays.stream(rollup.states().columns()).filter(c -> !keys.contains(c)).count();
    assertEquals(widest.values().stream().mapToInt(Integer::intValue).sum(), columns, widest.toString());
    assertTrue(columns * 3 < states, columns + " columns for " + states + " states");
    List<String> binColumns = new ArrayList<>(RollupRunner.binKeys());
    binColumns.add(RollupRunner.COUNT);
    assertEquals(binColumns, List.of(rollup.bins().columns()));
  }

  /**
   * The merge law: each family's states and bin counts over two halves of every kind's events add
   * up to those over all of them, per grain, period, keys, subject and bin.
   */
  @Test
  void everyFamilysStatesOverTwoHalvesAddUpToTheWhole() {
    RollupRunner.Rollup whole = RollupRunner.rollUp(Families.METRICS, history);
    RollupRunner.Rollup first = RollupRunner.rollUp(Families.METRICS, history, d -> d.filter(half(d, 0)));
    RollupRunner.Rollup second = RollupRunner.rollUp(Families.METRICS, history, d -> d.filter(half(d, 1)));
    Set<String> sets = new java.util.TreeSet<>();
    sets.addAll(mergeLaw(whole.states(), first.states(), second.states(), RollupRunner.stateKeys()));
    sets.addAll(mergeLaw(whole.bins(), first.bins(), second.bins(), RollupRunner.binKeys()));
    for (MetricFamily f : Families.METRICS) {
      f.stateSets(history).forEach(s -> assertTrue(sets.contains(s.name()), "the history gives state set " + s.name() + " rows"));
      f.histograms(history).forEach(h -> assertTrue(sets.contains(h.name()), "the history gives histogram " + h.name() + " rows"));
    }
  }

  /** Checks that the two halves' rows add up to the whole's, and gives the sets they hold. */
  private static Set<String> mergeLaw(Dataset<Row> whole, Dataset<Row> first, Dataset<Row> second, List<String> keys) {
    List<String> states = Arrays.stream(whole.columns()).filter(c -> !keys.contains(c)).toList();
    Dataset<Row> merged = RollupRunner.sumUp(first.unionByName(second), states, keys);
    Map<String, Row> expected = byKey(whole, keys);
    Map<String, Row> actual = byKey(merged, keys);
    assertTrue(expected.size() > 1000, "the history fills many keys: " + expected.size());
    assertEquals(expected.keySet(), actual.keySet());
    Set<String> sets = new java.util.TreeSet<>();
    for (Map.Entry<String, Row> e : expected.entrySet()) {
      Row w = e.getValue();
      Row m = actual.get(e.getKey());
      sets.add(e.getKey().split("\\|")[5]);
      for (String s : states) {
        Object a = w.getAs(s);
        Object b = m.getAs(s);
        if (a instanceof Double x && b instanceof Double y) {
          assertEquals(x, y, 1e-9 * Math.max(1, Math.abs(x)), e.getKey() + " " + s);
        } else {
          assertEquals(a, b, e.getKey() + " " + s);
        }
      }
    }
    return sets;
  }

  /** One of two halves of a kind's events, by a hash of the whole row. */
  private static Column half(Dataset<Row> events, int which) {
    return pmod(xxhash64(Arrays.stream(events.columns()).map(c -> col(c)).toArray(Column[]::new)), org.apache.spark.sql.functions.lit(2)).equalTo(which);
  }

  private static Map<String, Row> byKey(Dataset<Row> rows, List<String> keys) {
    Map<String, Row> m = new HashMap<>();
    for (Row r : rows.collectAsList()) {
      StringBuilder k = new StringBuilder();
      keys.forEach(c -> k.append(String.valueOf((Object) r.getAs(c))).append('|'));
      assertEquals(null, m.put(k.toString(), r), "one row per key");
    }
    return m;
  }
}
