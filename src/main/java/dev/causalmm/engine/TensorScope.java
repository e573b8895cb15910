package dev.causalmm.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * An explicit lifetime for native tensors, in the spirit of {@link java.lang.foreign.Arena}: every
 * {@link Tensor} created on this thread while the scope is the innermost open one belongs to it and
 * is freed when it closes. A result that must outlive the scope is handed to the enclosing scope
 * with {@link #keep(Tensor)}.
 *
 * <pre>{@code
 * try (var step = TensorScope.open("train-step")) {
 *     Tensor loss = model.forward(batch)...;   // all temporaries belong to "step"
 *     loss.backward();
 * }                                             // native memory of the step is released here
 * }</pre>
 *
 * Scopes are confined to the thread that opened them (like a confined arena) and nest as a stack.
 * A {@linkplain #strict strict} scope refuses leaks: closing it while it still owns tensors that
 * were neither closed nor kept frees them and throws, naming what was left behind.
 */
public final class TensorScope implements AutoCloseable {
    private static final ThreadLocal<TensorScope> CURRENT = new ThreadLocal<>();

    private final String name;
    private final TensorScope parent;
    private final Thread owner;
    private final boolean strict;
    private final ArrayList<Tensor> owned = new ArrayList<>();
    private boolean closed;

    private TensorScope(String name, boolean strict) {
        this.name = name;
        this.strict = strict;
        this.parent = CURRENT.get();
        this.owner = Thread.currentThread();
        CURRENT.set(this);
    }

    /** Opens a scope that frees what it owns on close. */
    public static TensorScope open(String name) {
        return new TensorScope(name, false);
    }

    /** Opens a scope that throws on close if any tensor it owns was not closed or kept. */
    public static TensorScope strict(String name) {
        return new TensorScope(name, true);
    }

    /** The innermost open scope of this thread, or {@code null}. */
    public static TensorScope current() {
        return CURRENT.get();
    }

    public String name() {
        return name;
    }

    void adopt(Tensor t) {
        owned.add(t);
    }

    /**
     * Drops a tensor its user closed, so a long-lived scope does not keep closed tensors' Java
     * objects; looks only at the newest few entries (where a temporary closed early sits), and
     * only on the owning thread: the scope's own close skips closed tensors anyway.
     */
    void forget(Tensor t) {
        if (closed || Thread.currentThread() != owner) return;
        for (int i = owned.size() - 1, stop = Math.max(0, owned.size() - 8); i >= stop; i--) {
            if (owned.get(i) == t) {
                owned.remove(i);
                return;
            }
        }
    }

    /**
     * Hands {@code t} to the enclosing scope (or releases it from scope management when this is the
     * outermost scope: the caller then owns it and must close it).
     */
    public Tensor keep(Tensor t) {
        checkThread();
        if (t.owner != this) {
            throw new IllegalArgumentException("tensor " + t.describe() + " is not owned by scope '" + name + "'");
        }
        t.owner = parent;
        if (parent != null) parent.adopt(t);
        else t.track(); // the caller owns it now; the Cleaner frees it if the caller never closes it
        return t;
    }

    /** What this scope still owns: live tensors and their bytes. */
    public Report report() {
        List<String> items = new ArrayList<>();
        long bytes = 0;
        for (Tensor t : owned) {
            if (t.owner == this && !t.isClosed()) {
                items.add(t.describe());
                bytes += t.nbytes();
            }
        }
        return new Report(name, items.size(), bytes, List.copyOf(items));
    }

    /** A snapshot of a scope's live tensors. */
    public record Report(String scope, int liveTensors, long liveBytes, List<String> tensors) {}

    private void checkThread() {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("scope '" + name + "' is confined to thread " + owner.getName());
        }
    }

    @Override
    public void close() {
        if (closed) return;
        checkThread();
        if (CURRENT.get() != this) {
            throw new IllegalStateException("scope '" + name + "' closed out of order: inner scope '"
                    + (CURRENT.get() == null ? "?" : CURRENT.get().name) + "' is still open");
        }
        Report leaks = strict ? report() : null;
        for (Tensor t : owned) {
            if (t.owner == this) t.release();
        }
        owned.clear();
        closed = true;
        CURRENT.set(parent);
        if (leaks != null && leaks.liveTensors() > 0) {
            throw new IllegalStateException("strict scope '" + name + "' closed with " + leaks.liveTensors()
                    + " live tensor(s), " + leaks.liveBytes() + " bytes: " + leaks.tensors());
        }
    }
}
