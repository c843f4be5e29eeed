package io.servicegap.run;

import io.servicegap.keys.RunKeys;
import java.util.List;

/**
 * What a run will produce, before anything is written: its keys and its tables in the order they
 * are staged (a table after those it derives from), and why it found nothing, asked only when its
 * findings are empty (it counts what was tested).
 */
public record RunPlan(RunKeys run, List<PlannedTable> tables, java.util.function.Supplier<String> whyNoFindings) {
  public RunPlan {
    tables = List.copyOf(tables);
  }

  public List<String> tableNames() {
    return tables.stream().map(t -> t.table().name()).toList();
  }
}
