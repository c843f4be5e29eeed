package io.servicegap.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

/** How sets share the rolled-up rows' slot columns. */
class StateSlotsTest {
  @Test
  void theKthStateOfATypeInEverySetSharesTheKthSlotOfThatType() {
    StateSlots.Builder b = new StateSlots.Builder();
    // Set a: two longs and a double; set b: one double, three longs; histogram h: one long.
    b.place("a", "orders", DataTypes.LongType);
    b.place("a", "kept", DataTypes.LongType);
    b.place("a", "late_sum", DataTypes.DoubleType);
    b.place("b", "score_sum", DataTypes.DoubleType);
    b.place("b", "answers", DataTypes.LongType);
    b.place("b", "met", DataTypes.LongType);
    b.place("b", "failed", DataTypes.LongType);
    b.place("h", "_count", DataTypes.LongType);
    StateSlots slots = b.build();
    // Widest set per type: 3 longs (b) and 1 double: 4 columns for 8 states.
    assertEquals(List.of("_long0", "_long1", "_double0", "_long2"), slots.names());
    assertEquals("_long0", slots.of("a", "orders"));
    assertEquals("_long1", slots.of("a", "kept"));
    assertEquals("_double0", slots.of("a", "late_sum"));
    assertEquals("_double0", slots.of("b", "score_sum"));
    assertEquals("_long0", slots.of("b", "answers"));
    assertEquals("_long2", slots.of("b", "failed"));
    assertEquals("_long0", slots.of("h", "_count"));
    assertEquals(DataTypes.DoubleType, slots.type("_double0"));
    assertEquals(DataTypes.LongType, slots.type("_long2"));
  }

  @Test
  void aStateNeverPlacedIsAnError() {
    StateSlots slots = new StateSlots.Builder().build();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> slots.of("gap4", "eligible"));
    assertEquals("state eligible of set gap4 was not rolled up", e.getMessage());
  }
}
