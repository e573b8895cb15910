package dev.causalmm.io;

/**
 * Input the user can fix: an option, a config file, a data file or an output folder that does not
 * fit. The command line reports it in one line with exit status 2. Any other exception escaping a
 * command is treated as a bug in causalmm (exit 1). It extends {@link IllegalArgumentException} so
 * code that catches that keeps working.
 */
public class UserInputException extends IllegalArgumentException {
    public UserInputException(String message) {
        super(message);
    }

    public UserInputException(String message, Throwable cause) {
        super(message, cause);
    }

    /** {@code e} as user input, keeping its message (and {@code e} itself when it already is one). */
    public static UserInputException of(IllegalArgumentException e) {
        return e instanceof UserInputException u ? u : new UserInputException(e.getMessage(), e);
    }
}
