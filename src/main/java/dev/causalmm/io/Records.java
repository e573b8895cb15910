package dev.causalmm.io;

import java.lang.reflect.AccessibleObject;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.function.Function;

/**
 * Settings records taken apart and put back together by component, for a front end that fills them
 * from text (the command line's options): the record's constructor stays the one place that checks
 * the values, and a type that parses itself ({@code parse(String)}) stays the one place that reads it.
 */
public final class Records {
    private Records() {}

    /** {@code r}'s value of component {@code c}. */
    public static Object value(RecordComponent c, Record r) {
        return reflect(() -> accessible(c.getAccessor()).invoke(r));
    }

    /**
     * A {@code type} record from its canonical constructor and {@code values} in component order; a
     * refusal by the constructor's checks (a RuntimeException) is thrown as it is.
     */
    public static <R extends Record> R construct(Class<R> type, Object[] values) {
        Class<?>[] types = Arrays.stream(type.getRecordComponents()).map(RecordComponent::getType).toArray(Class<?>[]::new);
        return type.cast(reflect(() -> accessible(type.getDeclaredConstructor(types)).newInstance(values)));
    }

    /**
     * {@code type}'s own reader of text, its public static {@code parse(String)} returning a {@code type}
     * (an enum's, a device's), whose refusal is thrown as it is; null when it has none.
     */
    public static Function<String, Object> parser(Class<?> type) {
        if (type.isPrimitive() || type == String.class) return null;
        try {
            Method m = type.getMethod("parse", String.class);
            if (!Modifier.isStatic(m.getModifiers()) || m.getReturnType() != type) return null;
            return text -> reflect(() -> accessible(m).invoke(null, text));
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    /** {@code member}, callable also when its record is not public (a caller's own settings record). */
    private static <T extends AccessibleObject> T accessible(T member) {
        member.setAccessible(true);
        return member;
    }

    private interface ReflectiveCall {
        Object run() throws ReflectiveOperationException;
    }

    private static Object reflect(ReflectiveCall call) {
        try {
            return call.run();
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException refused) throw refused;
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
