package dev.causalmm.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The test (or class) reads these paths under the data folder ({@link TestData#root()}); without the
 * folder, or without one of the paths in it, it is skipped with a reason naming them.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RequirementCondition.class)
public @interface RequiresData {
    /** Paths relative to the data folder, e.g. {@code "multiview/handwritten_6views.mat"}. */
    String[] value();
}
