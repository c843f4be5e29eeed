package io.servicegap.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class InputSizingTest {
  private static final long MB = 1L << 20;

  @Test
  void partitionsGrowWithTheInputAboveTheConfiguredFloor() {
    assertEquals(8, InputSizing.forInput(3 * MB, 64 * MB, 8), "the samples keep the configured 8");
    assertEquals(19, InputSizing.forInput(1200 * MB, 64 * MB, 8), "1.2 GB: 1200 / 64, rounded up");
    assertEquals(192, InputSizing.forInput(12288 * MB, 64 * MB, 8), "12 GB (100 M orders): 192");
    assertEquals(InputSizing.MOST, InputSizing.forInput(Long.MAX_VALUE / 2, 64 * MB, 8));
  }

  @Test
  void plansAreCompiledFromTheThresholdAndForTablesOfUnknownSize() {
    long from = 32 * MB;
    assertFalse(InputSizing.compiles(new InputSizing.Input(3 * MB, true), from), "the samples' 3 MB are interpreted");
    assertFalse(InputSizing.compiles(new InputSizing.Input(from - 1, true), from));
    assertTrue(InputSizing.compiles(new InputSizing.Input(from, true), from), "from the threshold on, compiled");
    assertTrue(InputSizing.compiles(new InputSizing.Input(1200 * MB, true), from));
    assertTrue(InputSizing.compiles(new InputSizing.Input(0, false), from), "a database table's size is unknown: compiled");
    assertTrue(InputSizing.compiles(new InputSizing.Input(3 * MB, true), 0), "0 always compiles");
  }
}
