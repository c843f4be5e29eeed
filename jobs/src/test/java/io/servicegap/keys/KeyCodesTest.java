package io.servicegap.keys;

import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.servicegap.SparkTestBase;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class KeyCodesTest extends SparkTestBase {
  private static final KeyCodes CODES = new KeyCodes(Map.of("phase", List.of("pre_sale", "delivery"), "price_tier", List.of("basic", "premium")));
  private static final List<Column> SUMS = List.of(count(lit(1)).as("events"), sum("amount").as("amount"));

  @Test
  void groupsLikeTheTextKeysWhateverTheValues() {
    Dataset<Row> events = frame(
        "segment STRING, phase STRING, price_tier STRING, amount BIGINT",
        row("smb", "delivery", "basic", 1L),
        row("smb", "delivery", "basic", 2L),
        row("smb", "pre_sale", "basic", 4L),
        row("smb", "delivery", "premium", 8L),
        row("ent", "delivery", "basic", 16L),
        // outside the vocabulary: kept apart by their own text, as plain grouping would
        row("smb", "post_sale", "basic", 32L),
        row("smb", "post_sale", "basic", 64L),
        row("smb", "refund", "basic", 128L),
        row("smb", "delivery", null, 256L),
        row("smb", null, "gold", 512L));

    Dataset<Row> expected = frame(
        "segment STRING, phase STRING, price_tier STRING, events BIGINT NOT NULL, amount BIGINT",
        row("smb", "delivery", "basic", 2L, 1L + 2L),
        row("smb", "pre_sale", "basic", 1L, 4L),
        row("smb", "delivery", "premium", 1L, 8L),
        row("ent", "delivery", "basic", 1L, 16L),
        row("smb", "post_sale", "basic", 2L, 32L + 64L),
        row("smb", "refund", "basic", 1L, 128L),
        row("smb", "delivery", null, 1L, 256L),
        row("smb", null, "gold", 1L, 512L));
    Dataset<Row> coded = CODES.aggregate(events, List.of("segment", "phase", "price_tier"), SUMS);

    assertArrayEquals(new String[] {"segment", "phase", "price_tier", "events", "amount"}, coded.columns());
    assertSameRows(expected, coded);
    assertSameRows(events.groupBy("segment", "phase", "price_tier").agg(SUMS.get(0), SUMS.get(1)), coded);
  }
}
