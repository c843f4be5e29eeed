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
    Dataset<Row> coded = CODES.decode(CODES.aggregateCoded(events, List.of("segment", "phase", "price_tier"), SUMS));

    assertArrayEquals(new String[] {"segment", "phase", "price_tier", "events", "amount"}, coded.columns());
    assertSameRows(expected, coded);
    assertSameRows(events.groupBy("segment", "phase", "price_tier").agg(SUMS.get(0), SUMS.get(1)), coded);
  }

  @Test
  void rollsUpCodedKeysLikeTextOnesAndDecodesAllOnce() {
    Dataset<Row> events = frame(
        "segment STRING, phase STRING, price_tier STRING, amount BIGINT",
        row("smb", "delivery", "basic", 1L),
        row("smb", "pre_sale", "premium", 2L),
        row("ent", "delivery", "basic", 4L),
        row("smb", "refund", "basic", 8L),
        row("smb", null, "gold", 16L));
    List<String> keys = List.of("segment", "phase", "price_tier");

    Dataset<Row> coded = CODES.aggregateCoded(events, keys, SUMS);
    assertArrayEquals(
        new String[] {"segment", "_code_phase", "_other_phase", "_code_price_tier", "_other_price_tier", "events", "amount"},
        coded.columns());
    Dataset<Row> rolled = CODES.decode(
        coded.transform(GroupingSets::expand).groupBy(CODES.columns(keys).stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new))
            .agg(sum("events").as("events"), sum("amount").as("amount")));

    Dataset<Row> byText = events.groupBy("segment", "phase", "price_tier").agg(SUMS.get(0), SUMS.get(1))
        .transform(GroupingSets::expand).groupBy("segment", "phase", "price_tier").agg(sum("events").as("events"), sum("amount").as("amount"));
    assertArrayEquals(new String[] {"segment", "phase", "price_tier", "events", "amount"}, rolled.columns());
    assertSameRows(byText, rolled);
    // By hand: every event in ALL × ALL × ALL (1 + 2 + 4 + 8 + 16); smb's null phase and its
    // refund kept apart from ALL and from each other.
    assertSameRows(
        frame("segment STRING, phase STRING, price_tier STRING, events BIGINT, amount BIGINT",
            row("ALL", "ALL", "ALL", 5L, 31L),
            row("smb", null, "ALL", 1L, 16L),
            row("smb", "refund", "ALL", 1L, 8L),
            row("ALL", "delivery", "basic", 2L, 5L)),
        rolled.filter("(segment = 'ALL' and phase = 'ALL' and price_tier = 'ALL') or (segment = 'smb' and price_tier = 'ALL'"
            + " and (phase is null or phase = 'refund')) or (segment = 'ALL' and phase = 'delivery' and price_tier = 'basic')"));
  }
}
