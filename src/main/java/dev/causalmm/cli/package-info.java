/**
 * The `causalmm` command line (picocli): demo, train, eval, experiment, export, seg-* and env.
 */
package dev.causalmm.cli;
