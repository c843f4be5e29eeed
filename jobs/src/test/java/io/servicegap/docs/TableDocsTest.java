package io.servicegap.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.servicegap.SparkTestBase;
import io.servicegap.ingest.ColumnSpec;
import io.servicegap.ingest.InputContract;
import io.servicegap.ingest.SourceSpec;
import io.servicegap.output.OutputTables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * docs/tables.md is rendered from the schemas declared in code (InputContract, OutputTables); this
 * test fails when they disagree. Regenerate with -Ddocs.update=true.
 */
class TableDocsTest {
  @Test
  void tablesDocumentMatchesTheDeclaredSchemas() throws IOException {
    Path file = SparkTestBase.repoRoot().resolve("docs/tables.md");
    String rendered = render();
    if (Boolean.getBoolean("docs.update")) {
      Files.writeString(file, rendered);
    }
    assertEquals(rendered, Files.readString(file), "docs/tables.md is stale: rerun with -Ddocs.update=true");
  }

  static String render() {
    List<String> md = new ArrayList<>();
    md.add("# servicegap tables");
    md.add("");
    md.add("<!-- Generated from InputContract and OutputTables by TableDocsTest (-Ddocs.update=true). Do not edit by hand. -->");
    md.add("");
    md.add("Metric definitions are in [metrics.md](metrics.md).");
    md.add("");
    md.add("## Output tables");
    md.add("");
    md.add("Parquet, Hive-style partitions, under `servicegap.output.path/<table>/`. Timestamps are written as");
    md.add("`TIMESTAMP_MICROS`; dates are calendar dates in `servicegap.timezone`.");
    for (OutputTables.Table t : OutputTables.ALL) {
      md.add("");
      md.add("### `" + t.name() + "`");
      md.add("");
      md.add("Grain: " + t.grain() + " Partitioned by " + String.join(", ", t.partitionBy().stream().map(p -> "`" + p + "`").toList()) + ".");
      md.add("");
      md.add("| column | type | meaning |");
      md.add("|---|---|---|");
      for (OutputTables.OutputColumn c : t.columns()) {
        md.add("| `" + c.name() + "` | " + c.type() + " | " + c.description() + " |");
      }
    }
    md.add("");
    md.add("## Input sources");
    md.add("");
    md.add("Column names are case-insensitive; extra columns are ignored. Every row that breaks a rule goes to");
    md.add("`quarantine` with the first reason in this order: PARSE_ERROR, MISSING_REQUIRED, BAD_VALUE,");
    md.add("OUT_OF_RANGE, BAD_ORDER_OF_TIMES, UNKNOWN_REFERENCE, DUPLICATE_KEY, RESERVED_VALUE.");
    md.add("An export in its own layout is mapped onto these columns by configuration: see [your-data.md](your-data.md).");
    for (SourceSpec s : InputContract.ALL) {
      md.add("");
      md.add("### `" + s.name() + "`");
      md.add("");
      md.add(s.description() + " Key: " + String.join(", ", s.key().stream().map(k -> "`" + k + "`").toList())
          + (s.versioned() ? " (duplicates keep the latest `updated_ts`; ties the first read)." : " (duplicates keep the first read)."));
      if (!s.oneOfRequired().isEmpty()) {
        md.add("At least one of " + String.join(", ", s.oneOfRequired().stream().map(k -> "`" + k + "`").toList()) + " must be present.");
      }
      md.add("");
      md.add("| column | type | required | rule | meaning |");
      md.add("|---|---|---|---|---|");
      for (ColumnSpec c : s.columns()) {
        md.add("| `" + c.name() + "` | " + c.type().sqlName() + " | " + (c.required() ? "yes" : "no") + " | " + rule(s, c) + " | " + c.description() + " |");
      }
    }
    return String.join("\n", md) + "\n";
  }

  private static String rule(SourceSpec s, ColumnSpec c) {
    List<String> r = new ArrayList<>();
    if (c.vocabulary() != null) {
      r.add(switch (c.vocabulary()) {
        case ORDER_STATUS -> "one of open, delivered, cancelled, returned";
        case PHASE -> "one of pre_sale, delivery, post_sale";
        case PHASE_OR_ANY -> "a phase or *";
        case PRICE_TIER -> "one of `servicegap.price-tiers`";
        case PRICE_TIER_OR_ANY -> "a price tier or *";
        case DIMENSION -> "one of `servicegap.dimensions`";
      });
    }
    if (c.minimum() != null) {
      r.add((c.minimumExclusive() ? "> " : "≥ ") + (c.minimum() == Math.rint(c.minimum()) ? String.valueOf(c.minimum().longValue()) : c.minimum()));
    }
    if (s.scaledColumns().contains(c.name())) {
      r.add("within the dimension's scale");
    }
    if (c.notBefore() != null) {
      r.add("≥ `" + c.notBefore() + "`");
    }
    if (c.references() != null) {
      r.add("must exist in `" + c.references() + "`");
    }
    if (c.groupingKey()) {
      r.add("not `ALL`");
    }
    if (c.defaultValue() != null) {
      r.add("default " + c.defaultValue());
    }
    return String.join("; ", r);
  }
}
