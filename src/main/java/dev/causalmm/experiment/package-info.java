/**
 * Experiments: seeded runs and grids, results.json, the report and the learning-curve chart.
 */
package dev.causalmm.experiment;
