package io.servicegap.run;

/** A source rejected more rows than servicegap.quality.max-reject-ratio allows (exit code 3). */
public final class QualityGateException extends RuntimeException {
  public QualityGateException(String message) {
    super(message);
  }
}
