/**
 * Distributed data-parallel training: process groups, all-reduce gradient sync, the launcher.
 */
package dev.causalmm.dist;
