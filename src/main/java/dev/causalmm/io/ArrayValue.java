package dev.causalmm.io;

import java.util.List;

/** One variable of a MATLAB or NumPy file: numbers, a cell array, text, or something not read. */
public sealed interface ArrayValue permits ArrayValue.Numeric, ArrayValue.Sparse, ArrayValue.Cell, ArrayValue.Text, ArrayValue.Opaque {

    /** The array's dimensions. */
    int[] shape();

    /** A short description for messages ({@code "1600×240 uint8"}). */
    String describe();

    /**
     * A dense numeric array in row-major (C) order whatever order the file stored it in.
     *
     * @param type the stored element type ({@code double}, {@code uint8}, {@code logical}, …)
     */
    record Numeric(int[] shape, double[] data, String type) implements ArrayValue {
        public Numeric {
            shape = shape.clone();
            if (Shapes.count(shape) != data.length) {
                throw new IllegalArgumentException(data.length + " values for shape " + Shapes.text(shape));
            }
        }

        @Override public int[] shape() { return shape.clone(); }

        /** Rows of a 2-D array (a vector of n values counts as n×1). */
        public int rows() {
            return shape.length == 0 ? 1 : shape[0];
        }

        /** Columns of a 2-D array (1 for a vector). */
        public int cols() {
            int c = 1;
            for (int i = 1; i < shape.length; i++) c *= shape[i];
            return c;
        }

        public double get(int row, int col) {
            return data[row * cols() + col];
        }

        @Override public String describe() { return Shapes.text(shape) + " " + type; }
    }

    /**
     * A MATLAB sparse matrix in compressed-column form.
     *
     * @param colStart {@code cols + 1} offsets into {@code rowIndex}/{@code values}
     */
    record Sparse(int rows, int cols, int[] colStart, int[] rowIndex, double[] values, String type) implements ArrayValue {
        @Override public int[] shape() { return new int[] {rows, cols}; }

        @Override public String describe() { return rows + "×" + cols + " sparse " + type + " (" + values.length + " non-zeros)"; }

        /** The dense row-major matrix; refuses one of more than {@code maxElements} values. */
        public Numeric toDense(long maxElements) throws FormatException {
            long n = (long) rows * cols;
            if (n > maxElements || n > Integer.MAX_VALUE - 8) {
                throw new FormatException("sparse " + rows + "×" + cols + " matrix is too large to densify (" + n + " values, limit "
                        + Math.min(maxElements, Integer.MAX_VALUE - 8) + ")");
            }
            double[] d = new double[(int) n];
            for (int c = 0; c < cols; c++) {
                for (int p = colStart[c]; p < colStart[c + 1]; p++) d[rowIndex[p] * cols + c] += values[p];
            }
            return new Numeric(new int[] {rows, cols}, d, type);
        }
    }

    /** A MATLAB cell array; {@code cells} in row-major order of {@code shape}. */
    record Cell(int[] shape, List<ArrayValue> cells) implements ArrayValue {
        public Cell {
            shape = shape.clone();
            cells = List.copyOf(cells);
        }

        @Override public int[] shape() { return shape.clone(); }

        @Override public String describe() { return Shapes.text(shape) + " cell"; }
    }

    /** A MATLAB char array, as one string (rows joined by newlines). */
    record Text(int[] shape, String text) implements ArrayValue {
        @Override public int[] shape() { return shape.clone(); }

        @Override public String describe() { return Shapes.text(shape) + " char"; }
    }

    /** A variable of a class that is recognised but not read (struct, object, function handle). */
    record Opaque(int[] shape, String matlabClass) implements ArrayValue {
        @Override public int[] shape() { return shape.clone(); }

        @Override public String describe() { return Shapes.text(shape) + " " + matlabClass + " (not read)"; }
    }
}
