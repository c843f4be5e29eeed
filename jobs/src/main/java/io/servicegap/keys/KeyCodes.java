package io.servicegap.keys;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.servicegap.config.Settings;
import io.servicegap.ingest.Vocabulary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Aggregates events with the text keys of a known vocabulary (phase, price tier, standard,
 * dimension) grouped as small integers and turned back into text on the aggregated rows. Hashing
 * and comparing those strings was most of the CPU of the aggregates at the finest keys in a Flight
 * Recorder profile at 10 M orders; an integer is hashed and compared in one step. A value outside
 * its vocabulary (or null) gets code 0 and is grouped by its text beside the code, so the result
 * is the same as grouping by the text, whatever the input.
 *
 * <p>Meant for aggregates of events. Over the rows of grouping sets, whose keys are conditions
 * themselves, the codes' nested conditions grew one generated method past Java's 64 KB limit.
 */
public final class KeyCodes {
  private final Map<String, List<String>> vocabularies;

  public KeyCodes(Map<String, List<String>> vocabularies) {
    this.vocabularies = Map.copyOf(vocabularies);
  }

  /** The event keys with a closed vocabulary: phase and price tier. */
  public static KeyCodes of(Settings settings) {
    return new KeyCodes(Map.of("phase", Vocabulary.PHASES, "price_tier", settings.priceTiers()));
  }

  /** These codes and one more key's vocabulary. */
  public KeyCodes with(String key, List<String> values) {
    Map<String, List<String>> v = new LinkedHashMap<>(vocabularies);
    v.put(key, List.copyOf(values));
    return new KeyCodes(v);
  }

  /**
   * {@code rows.groupBy(keys).agg(aggregates)}: the keys in their order, then the aggregates.
   *
   * @param aggregates at least one, each aliased
   */
  public Dataset<Row> aggregate(Dataset<Row> rows, List<String> keys, List<Column> aggregates) {
    List<Column> groups = new ArrayList<>();
    List<Column> decoded = new ArrayList<>();
    Dataset<Row> coded = rows;
    for (String k : keys) {
      List<String> values = vocabularies.get(k);
      if (values == null) {
        groups.add(col(k));
        decoded.add(col(k));
        continue;
      }
      Column code = lit(0);
      Column text = col(other(k));
      for (int i = values.size() - 1; i >= 0; i--) {
        code = when(col(k).equalTo(values.get(i)), lit(i + 1)).otherwise(code);
        text = when(col(code(k)).equalTo(i + 1), lit(values.get(i))).otherwise(text);
      }
      // Two projections, so the code is computed once and the text kept only beside code 0.
      coded = coded.withColumn(code(k), code).withColumn(other(k), when(col(code(k)).equalTo(0), col(k)));
      groups.add(col(code(k)));
      groups.add(col(other(k)));
      decoded.add(text.as(k));
    }
    Dataset<Row> grouped = coded.groupBy(groups.toArray(Column[]::new))
        .agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(Column[]::new));
    String[] columns = grouped.columns();
    for (int i = groups.size(); i < columns.length; i++) {
      decoded.add(col(columns[i]));
    }
    return grouped.select(decoded.toArray(Column[]::new));
  }

  private static String code(String key) {
    return "_code_" + key;
  }

  private static String other(String key) {
    return "_other_" + key;
  }
}
