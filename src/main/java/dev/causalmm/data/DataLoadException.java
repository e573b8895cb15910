package dev.causalmm.data;

/** A sample could not be read or decoded; the message names the dataset and the sample. */
public final class DataLoadException extends RuntimeException {
    public DataLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
