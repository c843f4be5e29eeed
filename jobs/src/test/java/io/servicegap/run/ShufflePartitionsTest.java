package io.servicegap.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ShufflePartitionsTest {
  private static final long MB = 1L << 20;

  @Test
  void partitionsGrowWithTheInputAboveTheConfiguredFloor() {
    assertEquals(8, ShufflePartitions.forInput(3 * MB, 64 * MB, 8), "the samples keep the configured 8");
    assertEquals(19, ShufflePartitions.forInput(1200 * MB, 64 * MB, 8), "1.2 GB: 1200 / 64, rounded up");
    assertEquals(192, ShufflePartitions.forInput(12288 * MB, 64 * MB, 8), "12 GB (100 M orders): 192");
    assertEquals(ShufflePartitions.MOST, ShufflePartitions.forInput(Long.MAX_VALUE / 2, 64 * MB, 8));
  }
}
