package dev.causalmm.io;

import java.io.IOException;

/**
 * A file does not hold what its format promises (truncated, corrupt, unsupported). The message
 * names the file, the variable, entry or line, and what was expected. It is the one exception the
 * readers of this package throw on bad input.
 */
public final class FormatException extends IOException {
    public FormatException(String message) {
        super(message);
    }

    public FormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
