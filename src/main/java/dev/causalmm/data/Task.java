package dev.causalmm.data;

import dev.causalmm.engine.DType;

/**
 * What a dataset's targets are, and so what a model outputs and trains against: class labels
 * (one int64 per sample, cross-entropy) or real-valued targets of {@code dims} values per sample
 * (float32, MSE or L1). The loader stores labels by {@link #labelStorage()}; models size their
 * heads by {@link #outputs()}.
 */
public sealed interface Task {

    /** Width of a model's output: the number of classes, or the target's dimension. */
    int outputs();

    /** How a sample's label is stored in a batch: int64 class ids, or float32 targets. */
    DType labelStorage();

    /** Bytes of one sample's label in a batch buffer. */
    default long labelBytes() {
        return labelStorage() == DType.INT64 ? Long.BYTES : (long) Float.BYTES * outputs();
    }

    /** Labels of one batch have shape {@code B} (classification) or {@code B×dims} (regression). */
    default long[] labelShape(int rows) {
        return this instanceof Regression r ? new long[] {rows, r.dims()} : new long[] {rows};
    }

    /** Class labels in {@code [0, numClasses)}: int64 labels, cross-entropy. */
    record Classification(int numClasses) implements Task {
        public Classification {
            if (numClasses < 0) throw new IllegalArgumentException("a classification task needs numClasses >= 0, got " + numClasses);
        }

        @Override public int outputs() { return numClasses; }
        @Override public DType labelStorage() { return DType.INT64; }
    }

    /** Real-valued targets of {@code dims} values per sample (a scalar score: dims 1), trained with {@code loss}. */
    record Regression(int dims, Loss loss) implements Task {
        public Regression {
            if (dims < 1) throw new IllegalArgumentException("a regression task needs a target of at least 1 dimension, got " + dims);
            if (loss == null) throw new IllegalArgumentException("a regression task needs a loss (MSE or L1)");
        }

        /** A scalar target (sentiment score) with the given loss. */
        public static Regression scalar(Loss loss) {
            return new Regression(1, loss);
        }

        @Override public int outputs() { return dims; }
        @Override public DType labelStorage() { return DType.FLOAT32; }
    }

    /** The regression loss, averaged over the batch and the target's dimensions. */
    enum Loss {
        /** Mean squared error. */
        MSE,
        /** Mean absolute error (the MSA papers' training loss for sentiment scores). */
        L1
    }
}
