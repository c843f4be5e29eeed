package io.servicegap.ingest;

/** An input that cannot be read as its contract says: missing, unreadable, or lacking a column. */
public final class InputException extends RuntimeException {
  public InputException(String message) {
    super(message);
  }

  public InputException(String message, Throwable cause) {
    super(message, cause);
  }
}
