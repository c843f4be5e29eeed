package io.servicegap.keys;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
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
import org.apache.spark.sql.types.DataTypes;

/**
 * Text keys of a known vocabulary (phase, price tier, standard, dimension) carried through
 * aggregates and roll-ups as small integers, and turned back into text once, on the result.
 * Hashing and comparing those strings was most of the CPU of the aggregates, the grouping-set
 * sums and the percentiles' sort in Flight Recorder profiles at 10 M orders; an integer is hashed
 * and compared in one step.
 *
 * <p>Coded, a key {@code k} is two columns: {@code _code_k}, its value's position in the
 * vocabulary from 1, {@value #ALL_CODE} for the grouping sets' ALL, else 0; and {@code _other_k},
 * the text itself beside code 0 only (a value outside the vocabulary, or null), so grouping by the
 * pair is grouping by the text, whatever the input.
 */
public final class KeyCodes {
  /** The code of {@link GroupingSets#ALL}. */
  public static final int ALL_CODE = -1;

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
   * {@code rows.groupBy(keys).agg(aggregates)} with the keys left coded: their {@link #columns} in
   * order, then the aggregates; {@link #decode} gives the text back. Rows may come coded already.
   *
   * @param aggregates at least one, each aliased
   */
  public Dataset<Row> aggregateCoded(Dataset<Row> rows, List<String> keys, List<Column> aggregates) {
    return encode(rows, keys).groupBy(columns(keys).stream().map(c -> col(c)).toArray(Column[]::new))
        .agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(Column[]::new));
  }

  /** Each of these keys that has a vocabulary replaced, in place, by its code and other-text columns. */
  private Dataset<Row> encode(Dataset<Row> rows, List<String> keys) {
    List<Column> first = new ArrayList<>();
    List<Column> second = new ArrayList<>();
    for (String c : rows.columns()) {
      List<String> values = keys.contains(c) ? vocabularies.get(c) : null;
      if (values == null) {
        first.add(col(c));
        second.add(col(c));
        continue;
      }
      Column code = lit(0);
      for (int i = values.size() - 1; i >= 0; i--) {
        code = when(col(c).equalTo(values.get(i)), lit(i + 1)).otherwise(code);
      }
      // Two projections, so the code is computed once and the text kept only beside code 0.
      first.add(code.as(code(c)));
      first.add(col(c).as(other(c)));
      second.add(col(code(c)));
      second.add(when(col(code(c)).equalTo(0), col(other(c))).as(other(c)));
    }
    return rows.select(first.toArray(Column[]::new)).select(second.toArray(Column[]::new));
  }

  /** The text keys back in place of their code columns: ALL, a vocabulary's value or the other text. */
  public Dataset<Row> decode(Dataset<Row> rows) {
    List<Column> out = new ArrayList<>();
    for (String c : rows.columns()) {
      String key = c.startsWith(CODE) ? c.substring(CODE.length()) : null;
      if (key != null && vocabularies.containsKey(key)) {
        // One lookup in a constant array (ALL, the other text's place, the values), not a chain
        // of conditions: those grew the roll-ups' generated code past Java's 64 KB per method.
        List<Column> names = new ArrayList<>(List.of(lit(GroupingSets.ALL), lit(null).cast(DataTypes.StringType)));
        vocabularies.get(key).forEach(v -> names.add(lit(v)));
        Column text = element_at(array(names.toArray(Column[]::new)), col(c).plus(1 - ALL_CODE));
        out.add(coalesce(col(other(key)), text).as(key));
      } else if (!(c.startsWith(OTHER) && vocabularies.containsKey(c.substring(OTHER.length())))) {
        out.add(col(c));
      }
    }
    return rows.select(out.toArray(Column[]::new));
  }

  /** The columns that group by these keys once coded: the code and other text of a coded key, else the key. */
  public List<String> columns(List<String> keys) {
    List<String> out = new ArrayList<>();
    for (String k : keys) {
      if (vocabularies.containsKey(k)) {
        out.add(code(k));
        out.add(other(k));
      } else {
        out.add(k);
      }
    }
    return out;
  }

  private static final String CODE = "_code_";
  private static final String OTHER = "_other_";

  /** The code column of key {@code k}. */
  public static String code(String k) {
    return CODE + k;
  }

  /** The other-text column of key {@code k}. */
  public static String other(String k) {
    return OTHER + k;
  }
}
